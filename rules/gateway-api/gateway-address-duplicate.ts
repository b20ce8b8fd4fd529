import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asArray, asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "gateway-address-duplicate",
    area: "gateway-api",
    category: "suspicious",
    severity: "warning",
    description: "Two Gateways request the same address.",
    aliases: [{ tool: "kiali", code: "KIA1502", match: "same" }],
    messages: {
      duplicate: 'Address "{{value}}" ({{type}}) is also requested by Gateway {{others}}.',
    },
  },
  reads: [K.KubernetesGateway],
  checkAll(ctx) {
    const claims = new Map<string, Map<string, { gateway: Resource; index: number }>>();
    for (const gateway of ctx.index.all(K.KubernetesGateway)) {
      asArray(spec(gateway).addresses).forEach((a, index) => {
        const value = asString(asObject(a)?.value);
        if (!value) return;
        const key = `${asString(asObject(a)?.type) ?? "IPAddress"}\u0000${value.toLowerCase()}`;
        const byGateway = claims.get(key) ?? new Map<string, { gateway: Resource; index: number }>();
        if (!byGateway.has(gateway.id)) byGateway.set(gateway.id, { gateway, index });
        claims.set(key, byGateway);
      });
    }
    for (const [key, byGateway] of claims) {
      if (byGateway.size < 2) continue;
      const [type, value] = key.split("\u0000");
      const entries = [...byGateway.values()];
      for (const { gateway, index } of entries) {
        const others = entries.filter((e) => e.gateway !== gateway);
        ctx.report({
          resource: gateway,
          path: ["spec", "addresses", index, "value"],
          messageId: "duplicate",
          data: { value: value ?? "", type: type ?? "", others: others.map((e) => `"${e.gateway.namespace}/${e.gateway.name}"`).join(", ") },
          help: "Give each Gateway its own address, or merge their listeners into one Gateway.",
          related: others.map((e) => ({ resource: e.gateway, path: ["spec", "addresses", e.index, "value"], message: "requests it too" })),
        });
      }
    }
  },
});
