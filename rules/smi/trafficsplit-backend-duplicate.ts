import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { trafficSplitOf } from "../../src/smi/traffic-split.js";

export default defineRule({
  meta: {
    id: "trafficsplit-backend-duplicate",
    area: "smi",
    category: "suspicious",
    severity: "warning",
    description: "A TrafficSplit lists the same backend Service twice.",
    messages: {
      duplicate: 'Backend "{{service}}" is listed more than once; the weights of its entries do not add up as intended.',
    },
  },
  target: [K.TrafficSplit],
  reads: [],
  check(ts, ctx) {
    const first = new Map<string, number>();
    trafficSplitOf(ts).backends.forEach((b, i) => {
      const earlier = first.get(b.service);
      if (earlier === undefined) {
        first.set(b.service, i);
        return;
      }
      ctx.report({
        resource: ts,
        path: [...b.path, "service"],
        messageId: "duplicate",
        data: { service: b.service },
        help: "List each backend once with its total weight.",
      });
    });
  },
});
