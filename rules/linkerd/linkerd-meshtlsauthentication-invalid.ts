import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { identityProblem } from "../../src/linkerd/policy-validation.js";
import { asArray, asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-meshtlsauthentication-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A MeshTLSAuthentication lists an identity that is neither a SPIFFE id nor a DNS-like name, or an identityRef Linkerd's webhook denies.",
    messages: {
      identityInvalid: 'Identity "{{value}}" is invalid: {{reason}}.',
      identityRefKindInvalid: 'identityRefs kind "{{kind}}" is not ServiceAccount or Namespace.',
      namespaceRefWithNamespace: 'identityRefs entry of kind Namespace sets namespace "{{namespace}}"; a Namespace is named by name alone.',
    },
  },
  target: [K.MeshTLSAuthentication],
  reads: [],
  check(authn, ctx) {
    const s = spec(authn);
    asArray(s.identities).forEach((value, i) => {
      const id = asString(value);
      const reason = id === undefined ? undefined : identityProblem(id);
      if (id === undefined || !reason) return;
      ctx.report({
        resource: authn,
        path: ["spec", "identities", i],
        messageId: "identityInvalid",
        data: { value: id, reason },
        help: 'Write a mesh identity such as "web.shop.serviceaccount.identity.linkerd.cluster.local", "*.shop.serviceaccount.identity.linkerd.cluster.local" or "spiffe://example.org/web".',
      });
    });
    asArray(s.identityRefs).forEach((value, i) => {
      const ref = asObject(value);
      const kind = asString(ref?.kind);
      if (!ref || !kind) return;
      const path = ["spec", "identityRefs", i];
      if (kind !== "ServiceAccount" && kind !== "Namespace") {
        ctx.report({ resource: authn, path: [...path, "kind"], messageId: "identityRefKindInvalid", data: { kind }, help: "Reference ServiceAccounts or Namespaces." });
      } else if (kind === "Namespace" && asString(ref.namespace)) {
        ctx.report({ resource: authn, path: [...path, "namespace"], messageId: "namespaceRefWithNamespace", data: { namespace: asString(ref.namespace) ?? "" }, help: "Remove namespace and put the namespace's name in name." });
      }
    });
  },
});
