import { defineRule } from "../../src/engine/rule.js";
import { caConfigMapRefs } from "../../src/gateway-api/backend-tls.js";
import { BackendTLSPolicy } from "../../src/gateway-api/references.js";
import { holdsKindIn } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { asObject } from "../../src/model/resource.js";

const CA_KEY = "ca.crt";

export default defineRule({
  meta: {
    id: "backendtlspolicy-ca-certificate-not-found",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description: "A BackendTLSPolicy's CA certificate ConfigMap does not exist in the repository, which holds that namespace's ConfigMaps, or has no ca.crt key.",
    messages: {
      configMapNotFound: 'ConfigMap "{{name}}" does not exist in namespace "{{namespace}}", so connections to the targeted backends fail.',
      keyMissing: 'ConfigMap "{{namespace}}/{{name}}" has no "ca.crt" key, so connections to the targeted backends fail.',
    },
  },
  target: [BackendTLSPolicy],
  reads: [K.ConfigMap],
  check(policy, ctx) {
    // ConfigMaps are often created outside Git (by cert-manager's trust-manager, or by hand): judged only where the
    // repository holds ConfigMaps of the policy's namespace.
    if (!holdsKindIn(ctx.index, K.ConfigMap, policy.namespace)) return;
    for (const ref of caConfigMapRefs(policy)) {
      const data = { name: ref.name, namespace: policy.namespace };
      const configMap = ctx.index.get(K.ConfigMap, policy.namespace, ref.name);
      if (!configMap) {
        ctx.report({ resource: policy, path: [...ref.path, "name"], messageId: "configMapNotFound", data, help: "Fix the name; the ConfigMap must be in the BackendTLSPolicy's namespace." });
      } else if (asObject(configMap.data.data)?.[CA_KEY] === undefined) {
        ctx.report({
          resource: policy,
          path: [...ref.path, "name"],
          messageId: "keyMissing",
          data,
          help: `Put the PEM CA bundle under the "${CA_KEY}" key of the ConfigMap's data.`,
          related: [{ resource: configMap, path: ["data"], message: "the CA ConfigMap" }],
        });
      }
    }
  },
});
