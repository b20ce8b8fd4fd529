import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateWorkloadEntry } from "../../src/validation/service-entry.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  addressRequired: 'The "address" is empty and no "network" is set; Istio requires one of them.',
  addressUnsetWithNetwork: 'The WorkloadEntry has no "address", only network "{{value}}".',
  ...pick("addressInvalid", "labelKeyInvalid", "labelValueInvalid"),
};

export default defineRule({
  meta: {
    id: "workloadentry-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A WorkloadEntry breaks Istio's webhook validation: an empty address, an address that is no IP, socket or FQDN, invalid labels.",
    aliases: webhookAliases(messages, ["addressUnsetWithNetwork"]),
    messages,
  },
  target: [K.WorkloadEntry],
  reads: [],
  check(we, ctx) {
    reportProblems(ctx, we, validateWorkloadEntry(we));
  },
});
