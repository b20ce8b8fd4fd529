import { defineRule } from "../../src/engine/rule.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { holdsWorkloads } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { describeSelector } from "../../src/model/selectors.js";

export default defineRule({
  meta: {
    id: "sidecar-selector-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Sidecar's workloadSelector matches no workload in its namespace, so it configures no proxy.",
    aliases: [
      { tool: "istioctl", code: "IST0101", match: "partial" },
      { tool: "kiali", code: "KIA0004", match: "partial" },
    ],
    messages: {
      noWorkload: 'The workloadSelector "{{selector}}" matches no workload in namespace "{{namespace}}".',
    },
  },
  target: [K.Sidecar],
  reads: [...WORKLOAD_KINDS],
  check(sidecar, ctx) {
    const target = policyTarget(sidecar);
    if (target.kind !== "selector" || !holdsWorkloads(ctx.index)) return;
    if (ctx.index.workloads().select(target.selector, sidecar.namespace).length) return;
    ctx.report({
      resource: sidecar,
      path: target.path,
      messageId: "noWorkload",
      data: { selector: describeSelector(target.selector), namespace: sidecar.namespace },
      help: "Fix the labels to match the pod template labels of a workload in the Sidecar's namespace.",
    });
  },
});
