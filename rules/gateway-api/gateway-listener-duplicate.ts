import { defineRule } from "../../src/engine/rule.js";
import { type Listener, listenersOf } from "../../src/gateway-api/listeners.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "gateway-listener-duplicate",
    area: "gateway-api",
    category: "suspicious",
    severity: "warning",
    description: "Listeners of two Gateways claim the same hostname, port and protocol.",
    aliases: [{ tool: "kiali", code: "KIA1501", match: "same" }],
    messages: {
      duplicate: 'Listener "{{listener}}" claims hostname "{{hostname}}" on port {{port}} ({{protocol}}), as Gateway {{others}} does.',
    },
  },
  reads: [K.KubernetesGateway],
  checkAll(ctx) {
    // hostname/port/protocol -> the Gateways (by identity) and their listener claiming it. Listeners without a
    // hostname are left out: every Gateway normally gets its own address, so only a named host can be claimed twice.
    const claims = new Map<string, Map<string, { gateway: Resource; listener: Listener }>>();
    for (const gateway of ctx.index.all(K.KubernetesGateway)) {
      for (const listener of listenersOf(gateway)) {
        if (!listener.hostname || listener.port === undefined) continue;
        const key = `${listener.hostname}\u0000${listener.port}\u0000${(listener.protocol ?? "").toUpperCase()}`;
        const byGateway = claims.get(key) ?? new Map<string, { gateway: Resource; listener: Listener }>();
        if (!byGateway.has(gateway.id)) byGateway.set(gateway.id, { gateway, listener });
        claims.set(key, byGateway);
      }
    }
    for (const byGateway of claims.values()) {
      if (byGateway.size < 2) continue;
      const entries = [...byGateway.values()];
      for (const { gateway, listener } of entries) {
        const others = entries.filter((e) => e.gateway !== gateway);
        ctx.report({
          resource: gateway,
          path: [...listener.path, "hostname"],
          messageId: "duplicate",
          data: {
            listener: listener.name ?? "",
            hostname: listener.hostname ?? "",
            port: listener.port ?? "",
            protocol: listener.protocol ?? "",
            others: others.map((e) => `"${e.gateway.namespace}/${e.gateway.name}"`).join(", "),
          },
          help: "Serve the hostname from one Gateway, or give the Gateways distinct hostnames.",
          related: others.map((e) => ({ resource: e.gateway, path: [...e.listener.path, "hostname"], message: "also claims it" })),
        });
      }
    }
  },
});
