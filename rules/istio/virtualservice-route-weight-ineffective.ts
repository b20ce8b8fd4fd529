import { defineRule } from "../../src/engine/rule.js";
import { routeGroups } from "../../src/istio/routes.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-route-weight-ineffective",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "A route has a single destination with a weight below 100; it gets all the traffic anyway.",
    aliases: [{ tool: "kiali", code: "KIA1104", match: "same" }],
    messages: {
      singleWeight: "The only destination of this route has weight {{weight}}, yet it receives all of the route's traffic.",
    },
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    for (const group of routeGroups(vs)) {
      const [only] = group.items;
      if (group.items.length !== 1 || !only || only.weight === undefined) continue;
      if (only.weight <= 0 || only.weight >= 100) continue;
      ctx.report({
        resource: vs,
        path: [...only.path, "weight"],
        messageId: "singleWeight",
        data: { weight: only.weight },
        help: "Weights split traffic between destinations of one route: add the other destination, or drop the weight.",
      });
    }
  },
});
