import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { splitService, trafficSplitOf } from "../../src/smi/traffic-split.js";

export default defineRule({
  meta: {
    id: "trafficsplit-backend-port-not-found",
    area: "smi",
    category: "correctness",
    severity: "warning",
    description: "A TrafficSplit backend Service does not expose every port of the root service.",
    messages: {
      portMissing: 'Backend "{{service}}" does not expose port {{port}} of root service "{{root}}" (its ports: {{ports}}).',
    },
  },
  target: [K.TrafficSplit],
  reads: [K.Service],
  check(ts, ctx) {
    const split = trafficSplitOf(ts);
    const root = split.service ? splitService(ctx.index, ts, split.service) : undefined;
    if (!root) return;
    const rootPorts = root.ports.map((p) => p.number);
    for (const b of split.backends) {
      const svc = b.service === split.service ? undefined : splitService(ctx.index, ts, b.service);
      if (!svc) continue;
      const ports = svc.ports.map((p) => p.number);
      const missing = rootPorts.filter((p) => !ports.includes(p));
      for (const port of missing) {
        ctx.report({
          resource: ts,
          path: [...b.path, "service"],
          messageId: "portMissing",
          data: { service: b.service, port, root: root.name, ports: ports.join(", ") || "none" },
          help: "The SMI spec requires backends to expose the root service's ports; requests on a missing port fail.",
          related: [{ resource: svc.resource, path: ["spec", "ports"], message: `Service "${svc.name}"` }],
        });
      }
    }
  },
});
