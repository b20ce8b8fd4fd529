import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { workloadsBehind } from "../../src/model/services.js";
import { sameApplication, splitService, trafficSplitOf } from "../../src/smi/traffic-split.js";

export default defineRule({
  meta: {
    id: "trafficsplit-backend-selector-conflict",
    area: "smi",
    category: "suspicious",
    severity: "warning",
    description: "A TrafficSplit backend Service selects a different application than the root service.",
    messages: {
      otherApp: 'Backend "{{service}}" selects "{{backend}}", which is not the application root service "{{root}}" selects ("{{rootSelector}}").',
    },
  },
  target: [K.TrafficSplit],
  reads: [K.Service, ...WORKLOAD_KINDS],
  check(ts, ctx) {
    const split = trafficSplitOf(ts);
    const root = split.service ? splitService(ctx.index, ts, split.service) : undefined;
    if (!root) return;
    const rootSel = root.selector;
    // An apex that selects no pod is the usual SMI pattern (it only names the traffic); nothing to compare then.
    if (Object.keys(rootSel).length === 0 || workloadsBehind(ctx.index, root).length === 0) return;
    const describe = (sel: Readonly<Record<string, string>>) => Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(",");
    for (const b of split.backends) {
      const svc = b.service === split.service ? undefined : splitService(ctx.index, ts, b.service);
      if (!svc) continue;
      const sel = svc.selector;
      if (Object.keys(sel).length === 0 || sameApplication(rootSel, sel)) continue;
      ctx.report({
        resource: ts,
        path: [...b.path, "service"],
        messageId: "otherApp",
        data: { service: b.service, backend: describe(sel), root: root.name, rootSelector: describe(rootSel) },
        help: "Backends are versions of the root service's application; check that the split sends traffic where intended.",
        related: [{ resource: svc.resource, path: ["spec", "selector"], message: `Service "${svc.name}"` }],
      });
    }
  },
});
