import { defineRule } from "../../src/engine/rule.js";
import { validateWorkloadGroup } from "../../src/model/istio/validation-serviceentry.js";
import { pick, sinkFor, webhookAliases } from "../../src/model/istio/validation.js";
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
    validateWorkloadGroup(wg, sinkFor(ctx, wg));
  },
});
