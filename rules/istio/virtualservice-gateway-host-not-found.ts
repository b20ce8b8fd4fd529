import { defineRule } from "../../src/engine/rule.js";
import { hostsIntersect } from "../../src/model/hostnames.js";
import { qualifiedHost } from "../../src/istio/hosts.js";
import { gatewayServers, isInternalGatewayReference } from "../../src/istio/gateway-servers.js";
import { MESH_GATEWAY, gatewayEntries, parseGatewayReference } from "../../src/istio/gateways.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asArray, asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "virtualservice-gateway-host-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "None of a VirtualService's hosts is among the hosts of a gateway it binds to, so that gateway never uses it.",
    aliases: [{ tool: "istioctl", code: "IST0132", match: "same" }],
    messages: {
      hostNotInGateway: 'None of the hosts {{hosts}} is served by gateway "{{gateway}}" for namespace "{{namespace}}" (its hosts: {{gatewayHosts}}).',
    },
  },
  target: [K.VirtualService],
  reads: [K.Gateway, K.KubernetesGateway],
  check(vs, ctx) {
    const written = asArray(spec(vs).hosts).filter((h): h is string => typeof h === "string" && h !== "");
    // A VirtualService without hosts is a delegate: the gateway binding belongs to its parent.
    if (written.length === 0) return;
    // Short names are Services in the VirtualService's namespace; Istio compares their FQDN with the gateway's hosts.
    // Made on first use: most VirtualServices bind no gateway, and one may list tens of thousands of hosts.
    let hosts: string[] | undefined;
    const hostsToMatch = () => (hosts ??= [...new Set(written.flatMap((h) => [h.toLowerCase(), qualifiedHost(ctx.index, h, vs.namespace)]))]);
    for (const entry of gatewayEntries(vs)) {
      if (!entry.topLevel || entry.written === MESH_GATEWAY || isInternalGatewayReference(entry.written)) continue;
      const ref = parseGatewayReference(entry.written, vs.namespace);
      if (!ref) continue;
      const istio = ctx.index.get(K.Gateway, ref.namespace, ref.name);
      const kube = istio ? undefined : ctx.index.get(K.KubernetesGateway, ref.namespace, ref.name);
      const served = istio ? istioGatewayHosts(istio, vs.namespace) : kube ? kubernetesGatewayHosts(kube) : undefined;
      if (!served || served.some((g) => hostsToMatch().some((h) => hostsIntersect(g, h)))) continue;
      ctx.report({
        resource: vs,
        path: entry.path,
        messageId: "hostNotInGateway",
        data: {
          hosts: written.map((h) => `"${h}"`).join(", "),
          gateway: `${ref.namespace}/${ref.name}`,
          namespace: vs.namespace,
          gatewayHosts: served.length ? served.map((h) => `"${h}"`).join(", ") : "none",
        },
        help: "Add the host to the Gateway's servers (for this namespace), or bind the VirtualService to the gateway that serves its hosts.",
      });
    }
  },
});

/** Hosts of an Istio Gateway's servers that VirtualServices of `namespace` may bind (`ns/host` only for that namespace). */
function istioGatewayHosts(gw: Resource, namespace: string): string[] {
  return gatewayServers(gw).flatMap((s) => s.hosts.filter((h) => h.namespace === "*" || h.namespace === namespace).map((h) => h.host));
}

/** Listener hostnames of a Gateway API Gateway; a listener without one accepts every host (`*`). */
function kubernetesGatewayHosts(gw: Resource): string[] {
  return asArray(spec(gw).listeners).map((l) => asString(asObject(l)?.hostname)?.toLowerCase() || "*");
}
