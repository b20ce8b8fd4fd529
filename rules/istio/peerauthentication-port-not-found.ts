import { defineRule } from "../../src/engine/rule.js";
import { portLevelModes } from "../../src/istio/mtls.js";
import { policyTarget, policyWorkloads } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { isLinted } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "peerauthentication-port-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A PeerAuthentication's portLevelMtls names a port that none of the workloads it selects exposes, so the setting applies nowhere.",
    messages: {
      portNotFound: 'portLevelMtls port {{port}} is not a container port of any workload the policy selects ({{ports}}).',
    },
  },
  target: [K.PeerAuthentication],
  reads: WORKLOAD_KINDS,
  check(pa, ctx) {
    if (policyTarget(pa).kind !== "selector") return;
    const levels = portLevelModes(pa);
    if (!levels.length) return;
    const workloads = (policyWorkloads(ctx.index, pa) ?? []).filter((w) => isLinted(w.resource));
    // Container ports are optional in Kubernetes: judge only workloads that declare theirs.
    if (!workloads.length || workloads.some((w) => !w.containers.some((c) => c.ports.length))) return;
    const exposed = new Set(workloads.flatMap((w) => w.containers.flatMap((c) => c.ports.map((p) => p.containerPort))));
    const list = [...exposed].sort((a, b) => a - b).join(", ");
    for (const level of levels) {
      if (exposed.has(level.port)) continue;
      ctx.report({
        resource: pa,
        path: ["spec", "portLevelMtls", level.key],
        part: "key",
        messageId: "portNotFound",
        data: { port: level.port, ports: list },
        help: "portLevelMtls is keyed by the workload's container (target) port, not the Service port.",
      });
    }
  },
});
