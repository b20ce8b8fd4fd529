import { defineRule } from "../../src/engine/rule.js";
import { inMesh } from "../../src/istio/injection.js";
import { isGatewayWorkload } from "../../src/istio/mtls.js";
import { ISTIO_EVIDENCE_KINDS, showsIstio } from "../../src/istio/evidence.js";
import { analyzerPortProtocol, isKnownAppProtocol } from "../../src/istio/protocols.js";
import { K } from "../../src/model/kinds.js";
import { labelsOf } from "../../src/model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { type ServiceView, serviceView, workloadsBehind } from "../../src/model/services.js";

const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease", "local-path-storage"]);

export default defineRule({
  meta: {
    id: "service-port-protocol-invalid",
    area: "istio",
    category: "correctness",
    severity: "info",
    description: "A Service port declares no protocol Istio recognizes in its name or appProtocol, so Istio sniffs it; a warning for Services in the mesh.",
    aliases: [
      { tool: "istioctl", code: "IST0118", match: "same", messageIds: ["noProtocol", "noProtocolInMesh", "appProtocolUnknown", "appProtocolUnknownInMesh"] },
      { tool: "istioctl", code: "IST0150", match: "same", messageIds: ["externalName"] },
      { tool: "kiali", code: "KIA0601", match: "same", messageIds: ["noProtocolInMesh"] },
      { tool: "kiali", code: "KIA0602", match: "same", messageIds: ["appProtocolUnknownInMesh"] },
    ],
    messages: {
      noProtocol: "Service port {{port}} names no protocol (name <protocol>[-<suffix>] or appProtocol), so Istio will sniff it.",
      noProtocolInMesh: "Service port {{port}} of workloads in the mesh names no protocol (name <protocol>[-<suffix>] or appProtocol), so Istio will sniff it.",
      appProtocolUnknown: 'Service port {{port}} has appProtocol "{{appProtocol}}", which is not a protocol Istio knows.',
      appProtocolUnknownInMesh: 'Service port {{port}} of workloads in the mesh has appProtocol "{{appProtocol}}", which is not a protocol Istio knows.',
      externalName: "Port {{port}} of an ExternalName Service is plain TCP or names no protocol; without a Service IP the sidecar can route it only by SNI.",
    },
  },
  target: [K.Service],
  reads: [...WORKLOAD_KINDS, ...ISTIO_EVIDENCE_KINDS],
  check(svc, ctx) {
    // Port naming is Istio's convention: a repository that shows no Istio (meshed by Linkerd, or running only
    // another Gateway API controller) does not need it.
    if (!showsIstio(ctx.index)) return;
    const labels = labelsOf(svc);
    // Istio's control plane and the gateways and waypoints it deploys name their ports themselves.
    if (labels.istio !== undefined || labels.release === "istio" || labels["gateway.istio.io/managed"] !== undefined) return;
    if (SYSTEM_NAMESPACES.has(svc.namespace)) return;
    const service = serviceView(ctx.index, svc);
    if (frontsGatewaysOnly(ctx.index, service)) return;
    const externalName = service.type === "ExternalName";
    const meshed = !externalName && labels.kiali_wizard === undefined && servesMesh(ctx.index, service);
    for (const { path, number, name, appProtocol, transport } of service.ports) {
      if (transport === "UDP") continue;
      const data = { port: name ? `"${name}" (${number})` : String(number), appProtocol: appProtocol ?? "" };
      const derived = analyzerPortProtocol({ port: number, name, appProtocol, protocol: transport });
      const severity = meshed ? ("warning" as const) : undefined;
      if (externalName) {
        if (derived === undefined || name === "tcp") {
          ctx.report({ resource: svc, path, messageId: "externalName", data, severity: "warning", help: 'Name the port "tls-…" or "https-…" (or set appProtocol) so the sidecar routes it by SNI.' });
        }
        continue;
      }
      if (appProtocol !== undefined) {
        if (isKnownAppProtocol(appProtocol)) continue;
        const messageId = meshed ? "appProtocolUnknownInMesh" : "appProtocolUnknown";
        ctx.report({ resource: svc, path: [...path, "appProtocol"], messageId, data, ...(severity ? { severity } : {}), help: "Use one of http, http2, https, grpc, grpc-web, tcp, tls, mongo, mysql, redis (or kubernetes.io/h2c, ws, wss)." });
        continue;
      }
      if (derived !== undefined) continue;
      ctx.report({
        resource: svc,
        path: [...path, name === undefined ? "port" : "name"],
        messageId: meshed ? "noProtocolInMesh" : "noProtocol",
        data,
        ...(severity ? { severity } : {}),
        help: 'Name the port "<protocol>[-<suffix>]" (e.g. "http-api", "grpc", "tcp-db") or set appProtocol; sniffing adds latency and breaks server-first protocols.',
      });
    }
  },
});

/** Whether a workload the Service selects runs with a sidecar or in ambient mode. */
function servesMesh(index: ResourceIndex, service: ServiceView): boolean {
  return workloadsBehind(index, service).some((w) => inMesh(index, w, { revisions: true }));
}

/**
 * Whether the Service fronts gateway proxies only: a gateway takes each port's protocol from the Gateway servers
 * bound to it and never sniffs inbound traffic, and its status port (15021) is Istio's own, named as Istio's charts
 * name it. The Service of a gateway the repository deploys itself is then Istio's business, like the charts' own.
 */
function frontsGatewaysOnly(index: ResourceIndex, service: ServiceView): boolean {
  const behind = workloadsBehind(index, service);
  return behind.length > 0 && behind.every(isGatewayWorkload);
}
