import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asObject, asString, asStringMap, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "destinationrule-subset-labels-missing",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "A DestinationRule subset has no labels, so it is every endpoint of the host rather than a version of it.",
    aliases: [{ tool: "kiali", code: "KIA0209", match: "same" }],
    messages: {
      labelsMissing: 'Subset "{{subset}}" has no labels: it selects every endpoint of host "{{host}}".',
    },
  },
  target: [K.DestinationRule],
  reads: [],
  check(dr, ctx) {
    const host = asString(spec(dr).host) ?? "";
    const subsets = asArray(spec(dr).subsets);
    // A DestinationRule's only subset, without labels, names the host's traffic for routes (Istio's egress gateway
    // tasks route to subset "cnn" of the egress gateway): it means the whole host, which is what it is used for.
    // Several label-free subsets, or one beside labelled ones, split nothing.
    if (subsets.length === 1) return;
    subsets.forEach((s, i) => {
      const subset = asObject(s);
      if (!subset) return;
      const labels = asStringMap(subset.labels);
      if (labels && Object.keys(labels).length > 0) return;
      // A subset that only carries its own traffic policy is a deliberate way to apply it to some routes.
      const policyOnly = asObject(subset.trafficPolicy) !== undefined;
      ctx.report({
        resource: dr,
        path: ["spec", "subsets", i, ...(subset.labels === undefined ? ["name"] : ["labels"])],
        messageId: "labelsMissing",
        data: { subset: asString(subset.name) ?? String(i), host },
        help: "Add the labels that tell this subset's pods apart (e.g. version: v2).",
        ...(policyOnly ? { severity: "info" as const } : {}),
      });
    });
  },
});
