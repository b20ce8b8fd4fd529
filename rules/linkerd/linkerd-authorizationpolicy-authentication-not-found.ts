import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { authenticationRefs, resolveAuthentication } from "../../src/linkerd/authorization.js";
import { holdsApplicationsIn, holdsKind } from "../../src/model/evidence.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "linkerd-authorizationpolicy-authentication-not-found",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Linkerd AuthorizationPolicy requires a MeshTLSAuthentication, NetworkAuthentication or ServiceAccount that does not exist, so Linkerd ignores the whole policy.",
    messages: {
      missing: '{{kind}} "{{name}}" does not exist in namespace "{{namespace}}": Linkerd ignores this policy, and the traffic it meant to admit is refused.',
    },
  },
  target: [K.LinkerdAuthorizationPolicy],
  reads: [K.MeshTLSAuthentication, K.NetworkAuthentication, K.ServiceAccount, K.Namespace, ...WORKLOAD_KINDS],
  check(resource, ctx) {
    const { index } = ctx;
    for (const ref of authenticationRefs(resource)) {
      const kind = ref.kind === "MeshTLSAuthentication" ? K.MeshTLSAuthentication : ref.kind === "NetworkAuthentication" ? K.NetworkAuthentication : ref.kind === "ServiceAccount" ? K.ServiceAccount : undefined;
      if (!kind) continue;
      // Service accounts of a namespace whose applications live elsewhere are not judged.
      const judged = kind === K.ServiceAccount ? holdsApplicationsIn(index, ref.namespace) : holdsKind(index, kind) || holdsApplicationsIn(index, ref.namespace);
      if (!judged || resolveAuthentication(index, ref)) continue;
      ctx.report({
        resource,
        path: [...ref.path, "name"],
        messageId: "missing",
        data: { kind: ref.kind, name: ref.name, namespace: ref.namespace },
        help: `Create the ${ref.kind}, or fix the reference.`,
      });
    }
  },
});
