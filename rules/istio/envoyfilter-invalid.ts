import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateEnvoyFilter } from "../../src/validation/extensions.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  patchFieldMissing: 'A config patch needs "{{field}}".',
  ...pick("regexInvalid"),
  matchClassMismatch: 'applyTo {{applyTo}} needs a "{{expected}}" match, not a "{{actual}}" match.',
  filterMatchIgnored: "A filter match has no effect with applyTo {{applyTo}}.",
  filterNameMissing: 'The filter match needs a "name".',
  subFilterApplyTo: 'A "subFilter" match can only be used with applyTo HTTP_FILTER.',
  subFilterParent: 'A "subFilter" match needs the filter match to name "envoy.filters.network.http_connection_manager".',
  subFilterNameMissing: 'The "subFilter" match needs a "name".',
  filterNameDeprecated: 'Filter name "{{value}}" is deprecated; use "{{replacement}}".',
  typeV2: '"@type" "{{value}}" is an xDS v2 type, which Istio no longer knows; use the v3 API.',
};

export default defineRule({
  meta: {
    id: "envoyfilter-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "An EnvoyFilter config patch breaks Istio's webhook validation: missing applyTo/patch/operation/value, bad proxyVersion, mismatched match.",
    aliases: webhookAliases(messages, ["filterMatchIgnored", "filterNameDeprecated"]),
    messages,
  },
  target: [K.EnvoyFilter],
  reads: [],
  check(ef, ctx) {
    reportProblems(ctx, ef, validateEnvoyFilter(ef));
  },
});
