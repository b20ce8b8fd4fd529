import { defineRule } from "../../src/engine/rule.js";
import { parsePolicy } from "../../src/istio/authz.js";
import { policyWorkloads } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { isLinted } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "authorizationpolicy-port-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An AuthorizationPolicy operation names a port that none of the workloads it selects exposes, so that part of the rule never matches.",
    messages: {
      portNotFound: 'Port "{{port}}" is not a container port of any workload the policy selects ({{ports}}).',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: WORKLOAD_KINDS,
  check(policy, ctx) {
    const workloads = (policyWorkloads(ctx.index, policy) ?? []).filter((w) => isLinted(w.resource));
    // Container ports are optional in Kubernetes: judge only workloads that declare theirs.
    if (!workloads.length || workloads.some((w) => !w.containers.some((c) => c.ports.length))) return;
    const exposed = new Set(workloads.flatMap((w) => w.containers.flatMap((c) => c.ports.map((p) => String(p.containerPort)))));
    const list = [...exposed].sort((a, b) => Number(a) - Number(b)).join(", ");
    for (const rule of parsePolicy(policy).rules ?? []) {
      for (const op of rule.to ?? []) {
        (op.fields.ports ?? []).forEach((port, k) => {
          if (exposed.has(port.trim())) return;
          ctx.report({
            resource: policy,
            path: [...op.path, "ports", k],
            messageId: "portNotFound",
            data: { port, ports: list },
            help: "Authorization ports are the workload's container (target) ports, not Service ports.",
          });
        });
      }
    }
  },
});
