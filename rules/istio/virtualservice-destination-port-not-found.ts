import { defineRule } from "../../src/engine/rule.js";
import { resolveHost } from "../../src/istio/hosts.js";
import { repositoryDefinesHosts } from "../../src/istio/evidence.js";
import { MESH_GATEWAY } from "../../src/istio/gateways.js";
import { routeDestinations } from "../../src/istio/routes.js";
import { K } from "../../src/model/kinds.js";
import { asArray, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "virtualservice-destination-port-not-found",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A route destination names a port its Service or ServiceEntry does not have, or names none where the target has several.",
    aliases: [
      { tool: "istioctl", code: "IST0101", match: "partial", messageIds: ["portNotFound"] },
      { tool: "istioctl", code: "IST0112", match: "same", messageIds: ["portRequired"] },
    ],
    messages: {
      portNotFound: 'Port {{port}} is not a port of host "{{host}}" (ports: {{ports}}).',
      portRequired: 'Host "{{host}}" has several ports ({{ports}}) and this destination names none.',
    },
  },
  target: [K.VirtualService],
  reads: [K.Service, K.ServiceEntry, K.Namespace],
  check(vs, ctx) {
    if (!repositoryDefinesHosts(ctx.index)) return;
    // Sidecars send a destination without port to the port the request came in on; gateways listen on their
    // own ports, so there the port must be named.
    const gateways = asArray(spec(vs).gateways);
    const gatewayBound = gateways.some((g) => g !== MESH_GATEWAY);
    for (const d of routeDestinations(vs)) {
      if (d.host.startsWith("*")) continue;
      const found = resolveHost(ctx.index, d.host, vs.namespace);
      const numbers = [...new Set(found.entries.flatMap((e) => e.ports.map((p) => p.number)))].sort((a, b) => a - b);
      if (numbers.length === 0) continue;
      const ports = numbers.join(", ");
      if (d.port !== undefined) {
        if (numbers.includes(d.port)) continue;
        ctx.report({
          resource: vs,
          path: [...d.path, "port", "number"],
          messageId: "portNotFound",
          data: { port: d.port, host: d.host, ports },
          help: "Use one of the host's ports; the Service port, not the container's targetPort.",
          related: found.entries.map((e) => ({ resource: e.resource, path: ["spec", "ports"], message: `ports of "${e.host}"` })),
        });
      } else if (numbers.length > 1) {
        ctx.report({
          resource: vs,
          path: [...d.path, "host"],
          messageId: "portRequired",
          data: { host: d.host, ports },
          help: "Add destination.port.number to say which port of the host to send traffic to.",
          ...(gatewayBound ? {} : { severity: "info" as const }),
        });
      }
    }
  },
});
