import { defineRule } from "../../src/engine/rule.js";
import { serviceEntryPortClashes } from "../../src/istio/service-entries.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "serviceentry-protocol-conflict",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "ServiceEntries visible in the same namespaces give one host and port different protocols.",
    aliases: [
      { tool: "istioctl", code: "IST0177", match: "same" },
      { tool: "kiali", code: "KIA1212", match: "same" },
    ],
    messages: {
      protocolConflict: 'Port {{port}} of host "{{host}}" is {{protocol}} here but {{otherProtocols}} in ServiceEntry {{others}}; proxies use only one of them.',
    },
  },
  reads: [K.ServiceEntry, K.Sidecar],
  checkAll(ctx) {
    const seen = new Set<string>();
    for (const { port, others, protocolsDiffer } of serviceEntryPortClashes(ctx.index)) {
      if (!protocolsDiffer) continue;
      const key = `${port.resource.id}|${port.path.join(".")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const otherProtocols = [...new Set(others.map((o) => o.protocol || "unset"))].sort().join(", ");
      ctx.report({
        resource: port.resource,
        path: [...port.path, "protocol"],
        messageId: "protocolConflict",
        data: {
          port: port.number,
          host: port.host,
          protocol: port.protocol || "unset",
          otherProtocols,
          others: [...new Set(others.map((o) => `"${o.resource.namespace}/${o.resource.name}"`))].join(", "),
        },
        help: "Declare the host and port once, or give every ServiceEntry the same protocol for it.",
        related: others.map((o) => ({ resource: o.resource, path: [...o.path, "protocol"], message: `declares port ${o.number} as ${o.protocol || "unset"}` })),
      });
    }
  },
});
