import { defineRule } from "../../src/engine/rule.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { namespaceWidePolicies, quotedNames, selectorOverlaps, workloadName } from "../../src/istio/selection.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "telemetry-selector-conflict",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "Two Telemetries select the same workload, or two Telemetries without selector share a namespace; which one applies is undefined.",
    aliases: [
      { tool: "istioctl", code: "IST0159", match: "same", messageIds: ["workloadSelectedTwice"] },
      { tool: "istioctl", code: "IST0160", match: "same", messageIds: ["namespaceDefaultTwice"] },
    ],
    messages: {
      workloadSelectedTwice: "{{workload}} is also selected by Telemetry {{others}}; only one Telemetry applies to a workload.",
      namespaceDefaultTwice: 'Telemetry {{others}} also has no selector in namespace "{{namespace}}"; only one of them applies.',
    },
  },
  reads: [K.Telemetry, ...WORKLOAD_KINDS],
  checkAll(ctx) {
    const telemetries = ctx.index.all(K.Telemetry);
    for (const [telemetry, { others, workload }] of selectorOverlaps(ctx.index, telemetries)) {
      const target = policyTarget(telemetry);
      ctx.report({
        resource: telemetry,
        path: target.kind === "selector" ? target.path : ["metadata", "name"],
        messageId: "workloadSelectedTwice",
        data: { workload: workloadName(workload), others: quotedNames(others) },
        help: "Narrow the selectors so that each workload is selected by one Telemetry, or merge them.",
        related: others.map((o) => ({ resource: o, message: "also selects this workload" })),
      });
    }
    for (const [namespace, list] of namespaceWidePolicies(telemetries)) {
      if (list.length < 2) continue;
      for (const telemetry of list) {
        const others = list.filter((t) => t !== telemetry);
        ctx.report({
          resource: telemetry,
          messageId: "namespaceDefaultTwice",
          data: { others: quotedNames(others), namespace },
          help: "Merge the namespace-wide Telemetries into one, or give the others a selector.",
          related: others.map((o) => ({ resource: o, message: "also has no selector" })),
        });
      }
    }
  },
});
