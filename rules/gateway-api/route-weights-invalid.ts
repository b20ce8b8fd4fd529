import { defineRule } from "../../src/engine/rule.js";
import { ROUTE_KINDS, backendRefs } from "../../src/gateway-api/references.js";

export default defineRule({
  meta: {
    id: "route-weights-invalid",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description: "Every backendRef of a Gateway API route rule has weight 0, so the traffic the rule matches has no backend.",
    messages: {
      allZero: "Every backendRef of this rule has weight 0, so the requests or connections it matches fail (HTTP 500).",
    },
  },
  target: ROUTE_KINDS,
  reads: [],
  check(route, ctx) {
    const byRule = new Map<number, number[]>();
    for (const ref of backendRefs(route)) {
      if (ref.mirror) continue;
      const weights = byRule.get(ref.rule) ?? [];
      weights.push(ref.weight);
      byRule.set(ref.rule, weights);
    }
    for (const [rule, weights] of byRule) {
      if (weights.some((w) => w > 0)) continue;
      ctx.report({
        resource: route,
        path: ["spec", "rules", rule, "backendRefs"],
        messageId: "allZero",
        help: "Give at least one backend a positive weight (weights are relative; the default is 1).",
      });
    }
  },
});
