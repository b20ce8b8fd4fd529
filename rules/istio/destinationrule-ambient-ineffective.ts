import { defineRule } from "../../src/engine/rule.js";
import { ambientHostProblems, isL7DestinationRule } from "../../src/istio/ambient.js";
import { K } from "../../src/model/kinds.js";
import { asString, spec } from "../../src/model/resource.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";

const HELP = {
  namespaceNotEnrolled: 'Label the namespace (or the Service) with "istio.io/use-waypoint: <waypoint>" and deploy that waypoint.',
  serviceNotEnrolled: 'Enroll the Service with a waypoint ("istio.io/use-waypoint" on the Service or its namespace).',
  otherNamespace: "Move the DestinationRule to the namespace of the Service.",
} as const;

export default defineRule({
  meta: {
    id: "destinationrule-ambient-ineffective",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A DestinationRule with HTTP-level traffic policy configures an ambient Service that no waypoint would apply it for.",
    aliases: [
      { tool: "kiali", code: "KIA0210", match: "same", messageIds: ["namespaceNotEnrolled"] },
      { tool: "kiali", code: "KIA0211", match: "same", messageIds: ["serviceNotEnrolled"] },
      { tool: "kiali", code: "KIA0212", match: "same", messageIds: ["otherNamespace"] },
    ],
    messages: {
      namespaceNotEnrolled: 'Namespace "{{namespace}}" runs in ambient mode without a waypoint ("istio.io/use-waypoint"), so the HTTP traffic policy of this DestinationRule is not applied.',
      serviceNotEnrolled: 'Service "{{service}}" runs in ambient mode but is not enrolled with a waypoint ("istio.io/use-waypoint"), so the HTTP traffic policy of this DestinationRule is not applied to it.',
      otherNamespace: 'Service "{{service}}" runs in ambient mode, where its waypoint applies only DestinationRules of namespace "{{namespace}}".',
    },
  },
  target: [K.DestinationRule],
  reads: HOST_KINDS,
  check(dr, ctx) {
    if (!isL7DestinationRule(dr)) return;
    const host = asString(spec(dr).host) ?? "";
    for (const p of ambientHostProblems(ctx.index, dr, [{ host, path: ["spec", "host"] }])) {
      ctx.report({ resource: dr, path: p.path, messageId: p.messageId, data: { service: p.service, namespace: p.namespace }, help: HELP[p.messageId] });
    }
  },
});
