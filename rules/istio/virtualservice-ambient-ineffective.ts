import { defineRule } from "../../src/engine/rule.js";
import { ambientHostProblems, isL7VirtualService } from "../../src/istio/ambient.js";
import { K } from "../../src/model/kinds.js";
import { asArray, spec } from "../../src/model/resource.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";

const HELP = {
  namespaceNotEnrolled: 'Label the namespace (or the Service) with "istio.io/use-waypoint: <waypoint>" and deploy that waypoint.',
  serviceNotEnrolled: 'Enroll the Service with a waypoint ("istio.io/use-waypoint" on the Service or its namespace).',
  otherNamespace: "Move the VirtualService to the namespace of the Service.",
} as const;

export default defineRule({
  meta: {
    id: "virtualservice-ambient-ineffective",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A VirtualService with HTTP or TLS routes for mesh traffic names an ambient Service that no waypoint would route it for.",
    aliases: [
      { tool: "kiali", code: "KIA1109", match: "same", messageIds: ["namespaceNotEnrolled"] },
      { tool: "kiali", code: "KIA1113", match: "same", messageIds: ["serviceNotEnrolled"] },
      { tool: "kiali", code: "KIA1114", match: "same", messageIds: ["otherNamespace"] },
    ],
    messages: {
      namespaceNotEnrolled: 'Namespace "{{namespace}}" runs in ambient mode without a waypoint ("istio.io/use-waypoint"), so the routes of this VirtualService are not applied to mesh traffic.',
      serviceNotEnrolled: 'Service "{{service}}" runs in ambient mode but is not enrolled with a waypoint ("istio.io/use-waypoint"), so the routes of this VirtualService are not applied to it.',
      otherNamespace: 'Service "{{service}}" runs in ambient mode, where its waypoint applies only VirtualServices of namespace "{{namespace}}".',
    },
  },
  target: [K.VirtualService],
  reads: HOST_KINDS,
  check(vs, ctx) {
    if (!isL7VirtualService(vs)) return;
    const hosts = asArray(spec(vs).hosts).map((h, i) => ({ host: typeof h === "string" ? h : "", path: ["spec", "hosts", i] }));
    for (const p of ambientHostProblems(ctx.index, vs, hosts)) {
      ctx.report({ resource: vs, path: p.path, messageId: p.messageId, data: { service: p.service, namespace: p.namespace }, help: HELP[p.messageId] });
    }
  },
});
