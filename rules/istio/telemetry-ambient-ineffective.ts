import { defineRule } from "../../src/engine/rule.js";
import { ambientAttachmentProblems, isL7Telemetry } from "../../src/istio/ambient.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "telemetry-ambient-ineffective",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Telemetry with tracing, access logging or metric overrides in an ambient namespace selects pods, or targets what no waypoint serves.",
    aliases: [
      { tool: "kiali", code: "KIA1117", match: "partial", messageIds: ["withoutTargetRefs"] },
      { tool: "kiali", code: "KIA1112", match: "same", messageIds: ["notEnrolled"] },
    ],
    messages: {
      withoutTargetRefs: 'Namespace "{{namespace}}" runs in ambient mode, where waypoints ignore Telemetry that selects pods instead of using targetRefs.',
      notEnrolled: 'What this Telemetry targets in ambient namespace "{{namespace}}" is not enrolled with a waypoint ("istio.io/use-waypoint"), so its tracing, access logging and metric overrides are not applied.',
    },
  },
  target: [K.Telemetry],
  reads: [K.Namespace, K.Service, K.ServiceEntry, ...WORKLOAD_KINDS],
  check(telemetry, ctx) {
    if (!isL7Telemetry(telemetry)) return;
    // Unlike other policies, a namespace-wide Telemetry applies to the waypoints of its namespace (istiod's
    // applicableTelemetries): only a selector is ignored by them.
    const namespaceWide = policyTarget(telemetry).kind === "namespace";
    for (const { messageId, help } of ambientAttachmentProblems(ctx.index, telemetry)) {
      if (messageId === "withoutTargetRefs" && namespaceWide) continue;
      ctx.report({ resource: telemetry, path: ["spec"], messageId, data: { namespace: telemetry.namespace }, help });
    }
  },
});
