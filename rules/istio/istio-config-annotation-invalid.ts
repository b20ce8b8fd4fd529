import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { ISTIO_CONFIG_KINDS, validateConfigAnnotations } from "../../src/validation/config.js";
import { webhookAliases } from "../../src/validation/common.js";

const messages = {
  dryRunUnsupported: 'Annotation "istio.io/dry-run" is only supported on AuthorizationPolicy; Istio refuses it on a {{kind}}.',
  dryRunValue: 'Annotation "istio.io/dry-run" is "{{value}}", which is not a boolean.',
  dryRunAction: 'Annotation "istio.io/dry-run" only works with action ALLOW or DENY, not {{action}}.',
  reserved: 'Annotation "{{key}}" is reserved for istiod; Istio refuses objects that carry it.',
};

export default defineRule({
  meta: {
    id: "istio-config-annotation-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: 'An Istio configuration object carries an annotation the webhook refuses: a misused "istio.io/dry-run", or one reserved for istiod.',
    aliases: webhookAliases(messages),
    messages,
  },
  target: ISTIO_CONFIG_KINDS,
  reads: [],
  check(resource, ctx) {
    reportProblems(ctx, resource, validateConfigAnnotations(resource));
  },
});
