import { defineRule } from "../../src/engine/rule.js";
import { selectorMatchingNothing } from "../../src/istio/selection.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { describeSelector } from "../../src/model/selectors.js";

export default defineRule({
  meta: {
    id: "telemetry-selector-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Telemetry's selector matches no workload in its namespace, so it configures nothing.",
    aliases: [{ tool: "istioctl", code: "IST0101", match: "partial" }],
    messages: {
      noWorkload: 'The selector "{{selector}}" matches no workload in namespace "{{namespace}}".',
    },
  },
  target: [K.Telemetry],
  reads: [K.KubernetesGateway, ...WORKLOAD_KINDS],
  check(telemetry, ctx) {
    const target = selectorMatchingNothing(ctx.index, telemetry);
    if (!target) return;
    ctx.report({
      resource: telemetry,
      path: target.path,
      messageId: "noWorkload",
      data: { selector: describeSelector(target.selector), namespace: telemetry.namespace },
      help: "Fix the selector to match the pod template labels of a workload in the Telemetry's namespace.",
    });
  },
});
