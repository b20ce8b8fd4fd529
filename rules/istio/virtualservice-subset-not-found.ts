import { defineRule } from "../../src/engine/rule.js";
import { appliedDestinationRules, subsetNames } from "../../src/model/istio/destination-rules.js";
import { routeDestinations } from "../../src/model/istio/routes.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-subset-not-found",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A route destination names a subset that no DestinationRule applying to its host defines.",
    aliases: [
      { tool: "istioctl", code: "IST0101", match: "partial" },
      { tool: "kiali", code: "KIA1107", match: "same" },
    ],
    messages: {
      noDestinationRule: 'Subset "{{subset}}" of host "{{host}}" is not defined: no DestinationRule for this host applies in namespace "{{namespace}}".',
      subsetNotFound: 'Subset "{{subset}}" is not defined by DestinationRule "{{rule}}" for host "{{host}}".',
    },
  },
  target: [K.VirtualService],
  reads: [K.DestinationRule, K.Service, K.ServiceEntry, K.Namespace],
  check(vs, ctx) {
    if (!ctx.index.inRepository(K.DestinationRule)) return;
    const hosts = ctx.index.hosts();
    for (const d of routeDestinations(vs)) {
      if (!d.subset) continue;
      const found = hosts.lookup(d.host, vs.namespace);
      const hostNamespaces = [...new Set(found.entries.map((e) => e.resource.namespace))];
      const applied = appliedDestinationRules(ctx.index, found.host, vs.namespace, hostNamespaces);
      const path = [...d.path, "subset"];
      if (applied.rules.length === 0) {
        ctx.report({
          resource: vs,
          path,
          messageId: "noDestinationRule",
          data: { subset: d.subset, host: d.host, namespace: vs.namespace },
          help: `Add a DestinationRule for "${d.host}" that defines subset "${d.subset}".`,
        });
      } else if (!subsetNames(applied.rules).has(d.subset)) {
        const names = [...subsetNames(applied.rules)].sort();
        ctx.report({
          resource: vs,
          path,
          messageId: "subsetNotFound",
          data: { subset: d.subset, host: d.host, rule: applied.rules.map((r) => `${r.namespace}/${r.name}`).join(", ") },
          help: names.length ? `Defined subsets: ${names.map((n) => `"${n}"`).join(", ")}.` : "That DestinationRule defines no subsets.",
          related: applied.rules.map((r) => ({ resource: r, path: ["spec", "subsets"], message: `DestinationRule for "${d.host}"` })),
        });
      }
    }
  },
});
