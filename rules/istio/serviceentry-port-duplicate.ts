import { defineRule } from "../../src/engine/rule.js";
import { serviceEntryPortClashes } from "../../src/istio/service-entries.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "serviceentry-port-duplicate",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "Several ServiceEntries visible in the same namespaces declare the same host and port with the same protocol.",
    aliases: [{ tool: "kiali", code: "KIA1211", match: "same" }],
    messages: {
      duplicate: 'Port {{port}} ({{protocol}}) of host "{{host}}" is also declared by ServiceEntry {{others}}; only one of them is used.',
    },
  },
  reads: [K.ServiceEntry, K.Sidecar],
  checkAll(ctx) {
    const seen = new Set<string>();
    for (const { port, others, protocolsDiffer } of serviceEntryPortClashes(ctx.index)) {
      if (protocolsDiffer) continue;
      const key = `${port.resource.id}|${port.path.join(".")}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.report({
        resource: port.resource,
        path: [...port.path, "number"],
        messageId: "duplicate",
        data: {
          port: port.number,
          protocol: port.protocol || "no protocol",
          host: port.host,
          others: [...new Set(others.map((o) => `"${o.resource.namespace}/${o.resource.name}"`))].join(", "),
        },
        help: "Keep one ServiceEntry per host and port, or narrow exportTo so that each namespace sees one.",
        related: others.map((o) => ({ resource: o.resource, path: [...o.path, "number"], message: "declares the same port" })),
      });
    }
  },
});
