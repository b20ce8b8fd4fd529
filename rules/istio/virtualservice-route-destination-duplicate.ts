import { defineRule } from "../../src/engine/rule.js";
import { canonicalHost } from "../../src/istio/hosts.js";
import { routeGroups } from "../../src/istio/routes.js";
import { K } from "../../src/model/kinds.js";
import { asNumber, asObject, asString } from "../../src/model/resource.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";
import { addTo } from "../../src/base/multimap.js";

export default defineRule({
  meta: {
    id: "virtualservice-route-destination-duplicate",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "One route lists the same destination (host, subset and port) more than once.",
    aliases: [{ tool: "kiali", code: "KIA1105", match: "same" }],
    messages: {
      duplicate: 'Destination "{{destination}}" appears {{count}} times in this route; its weights add up instead of splitting traffic.',
    },
  },
  target: [K.VirtualService],
  reads: [...HOST_KINDS],
  check(vs, ctx) {
    for (const group of routeGroups(vs)) {
      const byKey = new Map<string, number[]>();
      group.items.forEach((item, i) => {
        const host = asString(item.destination?.host);
        if (!host) return;
        const subset = asString(item.destination?.subset) ?? "";
        const port = asNumber(asObject(item.destination?.port)?.number) ?? "";
        const key = `${canonicalHost(ctx.index, host, vs.namespace)}|${subset}|${port}`;
        addTo(byKey, key, i);
      });
      for (const indexes of byKey.values()) {
        if (indexes.length < 2) continue;
        for (const i of indexes) {
          const item = group.items[i];
          if (!item) continue;
          const host = asString(item.destination?.host) ?? "";
          const subset = asString(item.destination?.subset);
          ctx.report({
            resource: vs,
            path: [...item.path, "destination", "host"],
            messageId: "duplicate",
            data: { destination: subset ? `${host}/${subset}` : host, count: indexes.length },
            help: "Merge the entries into one destination with the summed weight, or fix the subset of one of them.",
          });
        }
      }
    }
  },
});
