import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { CONTROL_PLANE_NAMESPACE, TRUST_DOMAIN, parseIdentity, serviceAccountExists } from "../../src/linkerd/authorization.js";
import { holdsApplicationsIn, holdsKind } from "../../src/model/evidence.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { asArray, asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-meshtlsauthentication-identity-not-found",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A MeshTLSAuthentication names an identity or identityRef whose ServiceAccount or Namespace does not exist, or an identity in another trust domain.",
    messages: {
      serviceAccount: 'Identity "{{identity}}" names service account "{{name}}" in namespace "{{namespace}}", which does not exist.',
      trustDomain: 'Identity "{{identity}}" is not in the default identity domain "identity.{{domain}}", so no meshed pod of this cluster presents it.',
      identityRef: 'ServiceAccount "{{name}}" does not exist in namespace "{{namespace}}".',
      namespaceRef: 'Namespace "{{name}}" does not exist.',
    },
  },
  target: [K.MeshTLSAuthentication],
  reads: [K.ServiceAccount, K.Namespace, ...WORKLOAD_KINDS],
  check(resource, ctx) {
    const { index } = ctx;
    const s = spec(resource);
    const help = "Name a service account that the repository runs workloads as, or fix the spelling.";
    for (const [i, v] of asArray(s.identities).entries()) {
      const identity = asString(v);
      const parsed = identity ? parseIdentity(identity) : undefined;
      if (!identity || !parsed) continue;
      const path = ["spec", "identities", i];
      if (parsed.controlPlane !== CONTROL_PLANE_NAMESPACE || parsed.trustDomain !== TRUST_DOMAIN) {
        const domain = `${CONTROL_PLANE_NAMESPACE}.${TRUST_DOMAIN}`;
        ctx.report({ resource, path, messageId: "trustDomain", data: { identity, domain }, help: `Write the identity as <sa>.<ns>.serviceaccount.identity.${domain}, unless the cluster uses another trust domain.` });
      } else if (holdsApplicationsIn(index, parsed.namespace) && !serviceAccountExists(index, parsed.namespace, parsed.serviceAccount)) {
        ctx.report({ resource, path, messageId: "serviceAccount", data: { identity, name: parsed.serviceAccount, namespace: parsed.namespace }, help });
      }
    }
    for (const [i, v] of asArray(s.identityRefs).entries()) {
      const ref = asObject(v);
      const kind = asString(ref?.kind);
      const name = asString(ref?.name);
      if (!name || name === "*") continue;
      const path = ["spec", "identityRefs", i, "name"];
      if (kind === "ServiceAccount") {
        const namespace = asString(ref?.namespace) ?? resource.namespace;
        if (holdsApplicationsIn(index, namespace) && !serviceAccountExists(index, namespace, name)) ctx.report({ resource, path, messageId: "identityRef", data: { name, namespace }, help });
      } else if (kind === "Namespace" && holdsKind(index, K.Namespace) && !index.namespaces().exists(name)) {
        ctx.report({ resource, path, messageId: "namespaceRef", data: { name }, help: "Name a namespace the repository declares or deploys into." });
      }
    }
  },
});
