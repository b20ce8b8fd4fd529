import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateWorkloadGroup } from "../../src/validation/service-entry.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  ...pick("labelKeyInvalid", "labelValueInvalid"),
  probeMethodMissing: 'A probe needs "httpGet", "tcpSocket", "grpc" or "exec".',
  execCommandEmpty: '"exec.command" needs at least one entry.',
};

export default defineRule({
  meta: {
    id: "workloadgroup-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A WorkloadGroup breaks Istio's webhook validation: invalid metadata labels, a probe without a method or command.",
    aliases: webhookAliases(messages),
    messages,
  },
  target: [K.WorkloadGroup],
  reads: [],
  check(wg, ctx) {
    reportProblems(ctx, wg, validateWorkloadGroup(wg));
  },
});
