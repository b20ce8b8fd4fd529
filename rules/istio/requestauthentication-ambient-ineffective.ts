import { defineRule } from "../../src/engine/rule.js";
import { ambientAttachmentProblems } from "../../src/istio/ambient.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "requestauthentication-ambient-ineffective",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A RequestAuthentication in an ambient namespace attaches by selector, or targets what no waypoint serves, so no JWT is validated.",
    aliases: [
      { tool: "kiali", code: "KIA1115", match: "same", messageIds: ["withoutTargetRefs"] },
      { tool: "kiali", code: "KIA1110", match: "same", messageIds: ["notEnrolled"] },
    ],
    messages: {
      withoutTargetRefs: 'Namespace "{{namespace}}" runs in ambient mode, where waypoints ignore policies attached without targetRefs.',
      notEnrolled: 'What this RequestAuthentication targets in ambient namespace "{{namespace}}" is not enrolled with a waypoint ("istio.io/use-waypoint"), so its JWT rules are not enforced.',
    },
  },
  target: [K.RequestAuthentication],
  reads: [K.Namespace, K.Service, K.ServiceEntry, ...WORKLOAD_KINDS],
  check(policy, ctx) {
    for (const { messageId, help } of ambientAttachmentProblems(ctx.index, policy)) {
      ctx.report({ resource: policy, path: ["spec"], messageId, data: { namespace: policy.namespace }, help });
    }
  },
});
