import { defineRule } from "../../src/engine/rule.js";
import { hasSidecar } from "../../src/istio/injection.js";
import { analyzerPortProtocol } from "../../src/istio/protocols.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, labelsOf } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { type ServicePort, servicesSelecting } from "../../src/model/services.js";
import { workloadOf } from "../../src/model/workloads.js";
import { addTo } from "../../src/base/multimap.js";

export default defineRule({
  meta: {
    id: "workload-service-port-conflict",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "The Services that select one workload in the mesh disagree on a port: its protocol, or the service port that reaches a target port.",
    aliases: [
      { tool: "istioctl", code: "IST0116", match: "same", messageIds: ["protocolConflict"] },
      { tool: "istioctl", code: "IST0137", match: "same", messageIds: ["targetPortConflict"] },
    ],
    messages: {
      protocolConflict: "Port {{port}} is offered with different protocols ({{protocols}}) by the Services that select this workload: {{services}}.",
      targetPortConflict: 'Target port "{{targetPort}}" is reached through different service ports ({{ports}}) by the Services that select this workload: {{services}}.',
    },
  },
  target: WORKLOAD_KINDS,
  reads: [K.Service, K.Namespace],
  check(resource, ctx) {
    const workload = workloadOf(resource);
    if (!workload || labelsOf(resource)["gateway.istio.io/managed"] !== undefined) return;
    if (!hasSidecar(ctx.index, workload)) return;
    const services = servicesSelecting(ctx.index, workload);
    if (services.length === 0) return;
    const protocols = new Map<number, Map<string, Resource[]>>();
    const targets = new Map<string, Map<number, Resource[]>>();
    for (const { resource: svc, ports } of services) {
      for (const port of ports) {
        // The sidecar does not capture UDP, so a UDP port beside a TCP one (DNS) builds no listener.
        if (port.transport === "UDP") continue;
        add(protocols, port.number, protocolOf(port), svc);
        add(targets, String(port.targetPort || port.number), port.number, svc);
      }
    }
    const related = (svcs: readonly Resource[]) => svcs.map((s) => ({ resource: s, message: `Service "${s.name}" selects this workload` }));
    for (const [port, byProtocol] of protocols) {
      if (byProtocol.size < 2) continue;
      const svcs = unique([...byProtocol.values()].flat());
      ctx.report({
        resource,
        messageId: "protocolConflict",
        data: { port, protocols: [...byProtocol.keys()].join(", "), services: names(svcs) },
        related: related(svcs),
        help: "Give the port one protocol in every Service that selects the workload; the sidecar builds one inbound listener per port.",
      });
    }
    for (const [targetPort, byPort] of targets) {
      if (byPort.size < 2) continue;
      const svcs = unique([...byPort.values()].flat());
      ctx.report({
        resource,
        messageId: "targetPortConflict",
        data: { targetPort, ports: [...byPort.keys()].join(", "), services: names(svcs) },
        related: related(svcs),
        help: "Reach each target port through one service port number, so the sidecar sees one protocol and one name for it.",
      });
    }
  },
});

/** The protocol the sidecar gives the port: from its name or appProtocol (or `sniffed`), or a non-TCP `protocol`. */
function protocolOf(port: ServicePort): string {
  if (port.transport !== "TCP") return port.transport;
  return analyzerPortProtocol({ name: port.name, appProtocol: port.appProtocol, port: port.number }) ?? "sniffed";
}

function add<K1, K2>(map: Map<K1, Map<K2, Resource[]>>, a: K1, b: K2, svc: Resource): void {
  const inner = map.get(a) ?? new Map<K2, Resource[]>();
  addTo(inner, b, svc);
  map.set(a, inner);
}

const unique = (svcs: readonly Resource[]): Resource[] => [...new Set(svcs)];
const names = (svcs: readonly Resource[]): string => svcs.map((s) => `"${s.name}"`).join(", ");
