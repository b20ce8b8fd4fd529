import { defineRule } from "../../src/engine/rule.js";
import { backendTLSTargets, portNames } from "../../src/gateway-api/backend-tls.js";
import { BackendTLSPolicy } from "../../src/gateway-api/references.js";
import { holdsKind, holdsKindIn } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "backendtlspolicy-target-not-found",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description: "A BackendTLSPolicy targets a Service (or ServiceEntry) that does not exist in its namespace, or a port name the target does not have.",
    messages: {
      targetNotFound: '{{kind}} "{{name}}" does not exist in namespace "{{namespace}}", so this BackendTLSPolicy applies to nothing.',
      sectionNotFound: '{{kind}} "{{namespace}}/{{name}}" has no port named "{{section}}" (its named ports: {{ports}}).',
    },
  },
  target: [BackendTLSPolicy],
  reads: [K.Service, K.ServiceEntry],
  check(policy, ctx) {
    for (const ref of backendTLSTargets(policy)) {
      // Other kinds are implementation-specific; a kind the repository holds none of is kept elsewhere.
      if (!ref.resolvesTo || !holdsKind(ctx.index, ref.resolvesTo)) continue;
      const data = { kind: ref.kind, name: ref.name, namespace: policy.namespace };
      const defs = ctx.index.definitions(ref.resolvesTo, policy.namespace, ref.name);
      if (defs.length === 0) {
        ctx.report({
          resource: policy,
          path: [...ref.path, "name"],
          messageId: "targetNotFound",
          data,
          help: `Fix the name; a BackendTLSPolicy targets only ${ref.kind}s of its own namespace.`,
          ...(holdsKindIn(ctx.index, ref.resolvesTo, policy.namespace) ? {} : { severity: "warning" as const }),
        });
        continue;
      }
      const section = ref.sectionName;
      if (section === undefined || defs.some((d) => portNames(d).includes(section))) continue;
      const names = portNames(defs[0] as Resource);
      ctx.report({
        resource: policy,
        path: [...ref.path, "sectionName"],
        messageId: "sectionNotFound",
        data: { ...data, section, ports: names.length ? names.map((n) => `"${n}"`).join(", ") : "none" },
        help: "A sectionName names a port of the target by its name; name the port, or drop sectionName to cover every port.",
        related: [{ resource: defs[0] as Resource, path: ["spec", "ports"], message: `ports of ${ref.kind} "${ref.name}"` }],
      });
    }
  },
});
