import { defineRule } from "../../src/engine/rule.js";
import { namespaceInAmbientMode, workloadInAmbient } from "../../src/istio/injection.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { namespaceWidePolicies, quotedNames, selectorOverlaps, workloadName } from "../../src/istio/selection.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "sidecar-selector-conflict",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "Two Sidecars select the same workload, or two Sidecars without selector share a namespace; Istio applies only one.",
    aliases: [
      { tool: "istioctl", code: "IST0110", match: "same", messageIds: ["workloadSelectedTwice"] },
      { tool: "istioctl", code: "IST0111", match: "same", messageIds: ["namespaceDefaultTwice"] },
      { tool: "kiali", code: "KIA0003", match: "partial", messageIds: ["workloadSelectedTwice"] },
      { tool: "kiali", code: "KIA0002", match: "partial", messageIds: ["namespaceDefaultTwice"] },
    ],
    messages: {
      workloadSelectedTwice: "{{workload}} is also selected by Sidecar {{others}}; only one Sidecar applies to a workload.",
      namespaceDefaultTwice: 'Sidecar {{others}} also has no workloadSelector in namespace "{{namespace}}"; only one of them applies.',
    },
  },
  reads: [K.Sidecar, K.Namespace, ...WORKLOAD_KINDS],
  checkAll(ctx) {
    const sidecars = ctx.index.all(K.Sidecar);
    // Ambient workloads and namespaces have no sidecar to configure: sidecar-ineffective reports those instead.
    const overlaps = selectorOverlaps(ctx.index, sidecars, (w) => workloadInAmbient(ctx.index, w));
    for (const [sidecar, { others, workload }] of overlaps) {
      const target = policyTarget(sidecar);
      ctx.report({
        resource: sidecar,
        path: target.kind === "selector" ? target.path : ["metadata", "name"],
        messageId: "workloadSelectedTwice",
        data: { workload: workloadName(workload), others: quotedNames(others) },
        help: "Narrow the workloadSelectors so that each workload is selected by one Sidecar, or merge the Sidecars.",
        related: others.map((o) => ({ resource: o, message: "also selects this workload" })),
      });
    }
    for (const [namespace, list] of namespaceWidePolicies(sidecars)) {
      if (list.length < 2 || namespaceInAmbientMode(ctx.index, namespace)) continue;
      for (const sidecar of list) {
        const others = list.filter((s) => s !== sidecar);
        ctx.report({
          resource: sidecar,
          messageId: "namespaceDefaultTwice",
          data: { others: quotedNames(others), namespace },
          help: "Keep one Sidecar without workloadSelector per namespace; give the others a workloadSelector.",
          related: others.map((o) => ({ resource: o, message: "also has no workloadSelector" })),
        });
      }
    }
  },
});
