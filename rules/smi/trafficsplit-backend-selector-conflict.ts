import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { workloadsBehind } from "../../src/model/services.js";
import { sameApplication, splitService, trafficSplitOf } from "../../src/smi/traffic-split.js";
import type { Workload } from "../../src/model/workloads.js";

/** The images a workload runs, without registry, tag or digest: the programs, whichever version and mirror. */
const programsOf = (w: Workload): string[] => w.containers.flatMap((c) => (c.image ? [program(c.image)] : []));

function program(image: string): string {
  const digest = image.indexOf("@");
  const parts = (digest >= 0 ? image.slice(0, digest) : image).replace(/:[^/:]*$/, "").split("/");
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0] as string)) parts.shift();
  if (parts.length === 2 && parts[0] === "library") parts.shift();
  return parts.join("/");
}

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
    const rootPods = workloadsBehind(ctx.index, root);
    if (Object.keys(rootSel).length === 0 || rootPods.length === 0) return;
    const rootPrograms = new Set(rootPods.flatMap(programsOf));
    const describe = (sel: Readonly<Record<string, string>>) => Object.entries(sel).map(([k, v]) => `${k}=${v}`).join(",");
    for (const b of split.backends) {
      const svc = b.service === split.service ? undefined : splitService(ctx.index, ts, b.service);
      if (!svc) continue;
      const sel = svc.selector;
      if (Object.keys(sel).length === 0 || sameApplication(rootSel, sel)) continue;
      // Labels cannot tell a clone of the application (authors-clone, emoji-svc-2) from another one, the programs
      // can: backend pods that run an image of the root's pods (whatever the tag) are a version of it.
      const pods = workloadsBehind(ctx.index, svc);
      if (pods.length === 0 || pods.flatMap(programsOf).some((p) => rootPrograms.has(p))) continue;
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
