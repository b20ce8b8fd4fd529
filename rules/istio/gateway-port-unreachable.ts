import { defineRule } from "../../src/engine/rule.js";
import { ISTIO_OPERATOR, gatewayServers, gatewayWorkloads } from "../../src/istio/gateway-servers.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { type ServiceView, servicesSelecting, targetPortOn } from "../../src/model/services.js";
import type { Workload } from "../../src/model/workloads.js";
import { holdsKind } from "../../src/model/evidence.js";

export default defineRule({
  meta: {
    id: "gateway-port-unreachable",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Gateway server listens on a port that no Service in front of the gateway workload exposes.",
    aliases: [{ tool: "istioctl", code: "IST0162", match: "same" }],
    messages: {
      portNotExposed: 'Port "{{port}}" is neither a port nor a targetPort of the Services in front of this Gateway\'s workloads ({{services}}).',
      noService: 'No Service selects the workloads of this Gateway ({{workloads}}), so none of its ports is reachable.',
    },
  },
  target: [K.Gateway],
  reads: [...WORKLOAD_KINDS, ISTIO_OPERATOR, K.Service],
  check(gw, ctx) {
    const servers = gatewayServers(gw).filter((s) => s.port !== undefined && s.port > 0);
    const workloads = gatewayWorkloads(ctx.index, gw);
    if (servers.length === 0 || workloads.length === 0) return;
    const services = new Map<ServiceView, Workload>();
    for (const w of workloads) for (const svc of servicesSelecting(ctx.index, w)) services.set(svc, w);
    if (services.size === 0) {
      // A repository without any Service keeps them elsewhere.
      if (!holdsKind(ctx.index, K.Service)) return;
      const names = [...new Set(workloads.map((w) => `"${w.namespace}/${w.resource.name}"`))].join(", ");
      ctx.report({ resource: gw, path: ["spec", "selector"], messageId: "noService", data: { workloads: names } });
      return;
    }
    const exposed = new Set<number>();
    for (const [svc, workload] of services) for (const n of servicePortNumbers(svc, workload)) exposed.add(n);
    const names = [...services.keys()].map((s) => `"${s.namespace}/${s.name}"`).join(", ");
    for (const server of servers) {
      if (exposed.has(server.port as number)) continue;
      ctx.report({
        resource: gw,
        path: [...server.path, "port", "number"],
        messageId: "portNotExposed",
        data: { port: server.port as number, services: names },
        help: "Add the port to the gateway's Service (port or targetPort), or use a port the Service already exposes.",
      });
    }
  },
});

/** TCP ports and target ports of a Service; a named targetPort is resolved through the workload's containers. */
function servicePortNumbers(svc: ServiceView, workload: Workload): number[] {
  return svc.ports.flatMap((port) => {
    if (port.transport !== "TCP") return [];
    const out = [port.number];
    const target = targetPortOn(port, workload);
    if (target !== undefined) out.push(target);
    return out;
  });
}
