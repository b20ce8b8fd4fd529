import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { speaksForServicesIn } from "../../src/model/evidence.js";
import { splitService, trafficSplitOf, weightSign } from "../../src/smi/traffic-split.js";

export default defineRule({
  meta: {
    id: "trafficsplit-service-not-found",
    area: "smi",
    category: "correctness",
    severity: "error",
    description: "A TrafficSplit's root service or a backend is not a Service in the TrafficSplit's namespace.",
    messages: {
      rootNotFound: 'Root service "{{name}}" is not a Service in namespace "{{namespace}}".',
      backendNotFound: 'Backend service "{{name}}" is not a Service in namespace "{{namespace}}".',
      idleBackendNotFound: 'Backend service "{{name}}" is not a Service in namespace "{{namespace}}"; with weight 0 it receives no traffic until it exists.',
    },
  },
  target: [K.TrafficSplit],
  reads: [K.Service, K.Namespace],
  check(ts, ctx) {
    if (!speaksForServicesIn(ctx.index, ts.namespace)) return;
    const split = trafficSplitOf(ts);
    const data = (name: string) => ({ name, namespace: ts.namespace });
    if (split.service && !splitService(ctx.index, ts, split.service)) {
      ctx.report({
        resource: ts,
        path: ["spec", "service"],
        messageId: "rootNotFound",
        data: data(split.service),
        help: "Clients address the root Service; without it the split has no traffic to split. Define it in the same namespace.",
      });
    }
    for (const b of split.backends) {
      if (splitService(ctx.index, ts, b.service)) continue;
      // Creating the split before the second Service exists is a documented pattern: a weight-0 backend takes no
      // traffic, so nothing fails yet.
      if (weightSign(ts, b.weight) === 0) {
        ctx.report({
          resource: ts,
          path: [...b.path, "service"],
          messageId: "idleBackendNotFound",
          data: data(b.service),
          severity: "warning",
          help: "Create the Service before giving this backend weight, or remove the backend.",
        });
        continue;
      }
      ctx.report({
        resource: ts,
        path: [...b.path, "service"],
        messageId: "backendNotFound",
        data: data(b.service),
        help: "Backends are Services in the TrafficSplit's namespace; requests sent to a missing backend fail.",
      });
    }
  },
});
