import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { ISTIO_CONFIG_KINDS, validateSelector } from "../../src/validation/config.js";
import { webhookAliases } from "../../src/validation/common.js";
import { K, sameKind } from "../../src/model/kinds.js";

const messages = {
  selectorEmptyKey: '"{{field}}" has an empty label key; Istio does not support it.',
  selectorWildcard: 'Selector label "{{key}}" contains "*"; Istio does not support wildcards in selectors.',
  selectorNoLabels: '"{{field}}" has no labels, so this {{kind}} applies to every workload in namespace "{{namespace}}".',
};

const NO_SELECTOR = [K.VirtualService, K.Gateway, K.WorkloadEntry, K.WorkloadGroup];

export default defineRule({
  meta: {
    id: "istio-config-selector-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A workload selector Istio's webhook refuses (empty or wildcard label keys) or warns about (no labels at all).",
    aliases: webhookAliases(messages, ["selectorNoLabels"]),
    messages,
  },
  target: ISTIO_CONFIG_KINDS.filter((k) => !NO_SELECTOR.some((n) => sameKind(n, k))),
  reads: [],
  check(resource, ctx) {
    reportProblems(ctx, resource, validateSelector(resource));
  },
});
