import { defineRule } from "../../src/engine/rule.js";
import { quotedNames } from "../../src/istio/selection.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asObject, asStringMap, spec } from "../../src/model/resource.js";
import { addTo } from "../../src/base/multimap.js";

export default defineRule({
  meta: {
    id: "workloadgroup-labels-duplicate",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "Two WorkloadGroups in one namespace give their workloads the same labels, so selectors cannot tell them apart.",
    aliases: [{ tool: "kiali", code: "KIA1702", match: "same" }],
    messages: {
      duplicateLabels: "WorkloadGroup {{others}} gives its workloads the same labels ({{labels}}).",
    },
  },
  reads: [K.WorkloadGroup],
  checkAll(ctx) {
    const groups = new Map<string, Resource[]>();
    for (const wg of ctx.index.all(K.WorkloadGroup)) {
      const labels = asStringMap(asObject(spec(wg).metadata)?.labels) ?? {};
      const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
      if (entries.length === 0) continue;
      const key = `${wg.namespace}\u0000${JSON.stringify(entries)}`;
      addTo(groups, key, wg);
    }
    for (const list of groups.values()) {
      if (list.length < 2) continue;
      for (const wg of list) {
        const others = list.filter((o) => o !== wg);
        const labels = Object.entries(asStringMap(asObject(spec(wg).metadata)?.labels) ?? {})
          .map(([k, v]) => `${k}=${v}`)
          .join(",");
        ctx.report({
          resource: wg,
          path: ["spec", "metadata", "labels"],
          messageId: "duplicateLabels",
          data: { others: quotedNames(others), labels },
          help: "Give each WorkloadGroup a distinguishing label (such as app or version).",
          related: others.map((o) => ({ resource: o, path: ["spec", "metadata", "labels"], message: "same labels" })),
        });
      }
    }
  },
});
