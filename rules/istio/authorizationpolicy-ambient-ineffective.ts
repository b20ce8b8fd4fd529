import { defineRule } from "../../src/engine/rule.js";
import { ambientAttachmentProblems, isL7AuthorizationPolicy } from "../../src/istio/ambient.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "authorizationpolicy-ambient-ineffective",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An L7 AuthorizationPolicy in an ambient namespace attaches by selector, or targets what no waypoint serves, so its HTTP rules are not enforced.",
    aliases: [
      { tool: "kiali", code: "KIA0110", match: "same", messageIds: ["withoutTargetRefs"] },
      { tool: "kiali", code: "KIA0109", match: "same", messageIds: ["notEnrolled"] },
    ],
    messages: {
      withoutTargetRefs: 'Namespace "{{namespace}}" runs in ambient mode, where waypoints ignore policies attached without targetRefs.',
      notEnrolled: 'What this AuthorizationPolicy targets in ambient namespace "{{namespace}}" is not enrolled with a waypoint ("istio.io/use-waypoint"), so its HTTP rules are not enforced.',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [K.Namespace, K.Service, K.ServiceEntry, ...WORKLOAD_KINDS],
  check(policy, ctx) {
    if (!isL7AuthorizationPolicy(policy)) return;
    for (const { messageId, help } of ambientAttachmentProblems(ctx.index, policy)) {
      ctx.report({ resource: policy, path: ["spec"], messageId, data: { namespace: policy.namespace }, help });
    }
  },
});
