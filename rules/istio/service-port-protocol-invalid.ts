import { defineRule } from "../../src/engine/rule.js";
import { inMesh } from "../../src/istio/injection.js";
import { usesIstioConfig } from "../../src/istio/evidence.js";
import { usesLinkerd } from "../../src/linkerd/evidence.js";
import { analyzerPortProtocol, isKnownAppProtocol } from "../../src/istio/protocols.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asArray, asNumber, asObject, asString, asStringMap, labelsOf, spec } from "../../src/model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { selectorFromLabels } from "../../src/model/selectors.js";

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
  reads: [...WORKLOAD_KINDS, K.Namespace],
  check(svc, ctx) {
    // Port naming is Istio's convention; a Linkerd repository without Istio configuration does not need it.
    if (usesLinkerd(ctx.index) && !usesIstioConfig(ctx.index)) return;
    const labels = labelsOf(svc);
    // Istio's control plane and the gateways and waypoints it deploys name their ports themselves.
    if (labels.istio !== undefined || labels.release === "istio" || labels["gateway.istio.io/managed"] !== undefined) return;
    if (SYSTEM_NAMESPACES.has(svc.namespace)) return;
    const externalName = spec(svc).type === "ExternalName";
    const meshed = !externalName && labels.kiali_wizard === undefined && servesMesh(ctx.index, svc);
    asArray(spec(svc).ports).forEach((p, i) => {
      const port = asObject(p);
      if (!port) return;
      const number = asNumber(port.port);
      const name = asString(port.name);
      const appProtocol = asString(port.appProtocol);
      const protocol = asString(port.protocol);
      if (protocol?.toUpperCase() === "UDP") return;
      const data = { port: name ? `"${name}" (${number ?? "?"})` : String(number ?? "?"), appProtocol: appProtocol ?? "" };
      const derived = analyzerPortProtocol({ port: number, name, appProtocol, protocol });
      const severity = meshed ? ("warning" as const) : undefined;
      if (externalName) {
        if (derived === undefined || name === "tcp") {
          ctx.report({ resource: svc, path: ["spec", "ports", i], messageId: "externalName", data, severity: "warning", help: 'Name the port "tls-…" or "https-…" (or set appProtocol) so the sidecar routes it by SNI.' });
        }
        return;
      }
      if (appProtocol !== undefined) {
        if (isKnownAppProtocol(appProtocol)) return;
        const messageId = meshed ? "appProtocolUnknownInMesh" : "appProtocolUnknown";
        ctx.report({ resource: svc, path: ["spec", "ports", i, "appProtocol"], messageId, data, ...(severity ? { severity } : {}), help: "Use one of http, http2, https, grpc, grpc-web, tcp, tls, mongo, mysql, redis (or kubernetes.io/h2c, ws, wss)." });
        return;
      }
      if (derived !== undefined) return;
      ctx.report({
        resource: svc,
        path: ["spec", "ports", i, name === undefined ? "port" : "name"],
        messageId: meshed ? "noProtocolInMesh" : "noProtocol",
        data,
        ...(severity ? { severity } : {}),
        help: 'Name the port "<protocol>[-<suffix>]" (e.g. "http-api", "grpc", "tcp-db") or set appProtocol; sniffing adds latency and breaks server-first protocols.',
      });
    });
  },
});

/** Whether a workload the Service selects runs with a sidecar or in ambient mode. */
function servesMesh(index: ResourceIndex, svc: Resource): boolean {
  const selector = asStringMap(spec(svc).selector);
  if (!selector || Object.keys(selector).length === 0) return false;
  return index.workloads().select(selectorFromLabels(selector), svc.namespace).some((w) => inMesh(index, w, { revisions: true }));
}
