import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateTelemetry } from "../../src/validation/extensions.js";
import { webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  tracingMultiple: 'Only one "tracing" entry is supported; {{count}} are set.',
  providersMultiple: "Only one tracing provider is supported; {{count}} are set.",
  tagNameEmpty: "A custom tracing tag has an empty name.",
  tagOverrideNameEmpty: 'A "tagOverrides" entry has an empty tag name.',
  filterInvalid: 'Access log filter "{{value}}" is not a CEL expression Istio can parse: {{reason}}.',
};

export default defineRule({
  meta: {
    id: "telemetry-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A Telemetry breaks Istio's webhook validation: several tracing entries or providers, empty tag names, access log filters that are not CEL.",
    aliases: webhookAliases(messages, ["tracingMultiple", "providersMultiple", "tagOverrideNameEmpty"]),
    messages,
  },
  target: [K.Telemetry],
  reads: [],
  check(telemetry, ctx) {
    reportProblems(ctx, telemetry, validateTelemetry(telemetry));
  },
});
