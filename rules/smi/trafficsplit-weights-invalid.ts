import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { trafficSplitOf, weightSign } from "../../src/smi/traffic-split.js";

export default defineRule({
  meta: {
    id: "trafficsplit-weights-invalid",
    area: "smi",
    category: "correctness",
    severity: "error",
    description: "A TrafficSplit weight that is not a valid weight, or weights that are all zero.",
    messages: {
      notWeight: 'Weight "{{value}}" of backend "{{service}}" is invalid: {{problem}}.',
      negative: 'Weight "{{value}}" of backend "{{service}}" is negative.',
      allZero: "Every backend of this TrafficSplit has weight 0, so requests to the root service have nowhere to go.",
    },
  },
  target: [K.TrafficSplit],
  reads: [],
  check(ts, ctx) {
    const split = trafficSplitOf(ts);
    let positive = false;
    let judged = 0;
    for (const b of split.backends) {
      const s = weightSign(ts, b.weight);
      if (s === undefined) continue;
      const data = { value: String(b.weight), service: b.service };
      if (typeof s === "object") {
        ctx.report({ resource: ts, path: [...b.path, "weight"], messageId: "notWeight", data: { ...data, problem: s.problem }, help: 'Use a whole number, or in v1alpha1 a quantity such as "500m".' });
        continue;
      }
      judged++;
      if (s < 0) ctx.report({ resource: ts, path: [...b.path, "weight"], messageId: "negative", data, help: "Weights are relative shares; use 0 to drain a backend." });
      if (s > 0) positive = true;
    }
    if (judged > 0 && judged === split.backends.length && !positive) {
      ctx.report({ resource: ts, path: ["spec", "backends"], messageId: "allZero", help: "Give at least one backend a positive weight." });
    }
  },
});
