import { defineRule } from "../../src/engine/rule.js";
import { routeGroups } from "../../src/istio/routes.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-weights-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A route has a negative weight, or several destinations whose weights are all 0; Istio rejects both.",
    aliases: [{ tool: "istioctl", code: "IST0106", match: "partial" }],
    messages: {
      negativeWeight: "Weight {{weight}} is negative; route weights must be 0 or more.",
      allZero: "The {{count}} destinations of this route all have weight 0, so no traffic could be sent; Istio rejects it.",
    },
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    for (const group of routeGroups(vs)) {
      let negative = false;
      for (const item of group.items) {
        if (item.weight !== undefined && item.weight < 0) {
          negative = true;
          ctx.report({ resource: vs, path: [...item.path, "weight"], messageId: "negativeWeight", data: { weight: item.weight } });
        }
      }
      // An unset weight is 0 to Istio's validation; weights need not add up to 100.
      if (!negative && group.items.length > 1 && group.items.every((i) => (i.weight ?? 0) === 0)) {
        ctx.report({
          resource: vs,
          path: group.path,
          part: "key",
          messageId: "allZero",
          data: { count: group.items.length },
          help: "Give at least one destination a positive weight (weights are relative and need not add up to 100).",
        });
      }
    }
  },
});
