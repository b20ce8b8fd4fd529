import { defineRule } from "../../src/engine/rule.js";
import { ambientAttachment } from "../../src/model/istio/ambient.js";
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
    const attachment = ambientAttachment(ctx.index, policy);
    if (!attachment) return;
    const data = { namespace: policy.namespace };
    if (attachment.withoutTargetRefs) {
      ctx.report({
        resource: policy,
        path: ["spec"],
        messageId: "withoutTargetRefs",
        data,
        help: 'Attach the policy to the Service or waypoint with "targetRefs" instead of a selector.',
      });
    }
    if (attachment.notEnrolled) {
      ctx.report({
        resource: policy,
        path: ["spec"],
        messageId: "notEnrolled",
        data,
        help: 'Label the namespace or Service with "istio.io/use-waypoint: <waypoint>" and deploy that waypoint.',
      });
    }
  },
});
