import { defineRule } from "../../src/engine/rule.js";
import { appliedDestinationRules, backendLabels, subsetNames } from "../../src/istio/destination-rules.js";
import { hostNamespaces, resolveHost } from "../../src/istio/hosts.js";
import { routeDestinations } from "../../src/istio/routes.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";
import { holdsKind } from "../../src/model/evidence.js";
import { isLinted } from "../../src/model/resource.js";

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
  reads: [K.DestinationRule, ...HOST_KINDS, ...WORKLOAD_KINDS],
  check(vs, ctx) {
    // Without any DestinationRule in the repository they are kept elsewhere, unless the host's own Service and
    // workloads are here: then the application is deployed from this repository, and so should its subsets be.
    const anyRule = holdsKind(ctx.index, K.DestinationRule);
    for (const d of routeDestinations(vs)) {
      if (!d.subset) continue;
      const found = resolveHost(ctx.index, d.host, vs.namespace);
      if (!anyRule && !found.entries.some((e) => isLinted(e.resource) && backendLabels(ctx.index, e).length > 0)) continue;
      const applied = appliedDestinationRules(ctx.index, found.host, vs.namespace, hostNamespaces(ctx.index, found));
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
