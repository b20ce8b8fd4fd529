import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateAuthorizationPolicy } from "../../src/validation/security.js";
import { webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  customWithoutRules: 'A CUSTOM policy without "rules" never triggers; add an empty rule "{}" to apply it to every request.',
  denyWithoutRules: 'A DENY policy without "rules" never triggers; add an empty rule "{}" to deny every request.',
  providerMissing: 'A CUSTOM policy needs "provider.name".',
  providerWithoutCustom: '"provider" is only allowed with action CUSTOM, not {{action}}.',
  customUnsupported: '"{{field}}" is not supported with action CUSTOM.',
  listEmpty: '"{{field}}" is present but empty; Istio requires at least one entry.',
  entryMissing: 'A "{{field}}" entry needs "{{child}}".',
  entryEmpty: '"{{field}}" sets no field; Istio requires at least one.',
  valueEmpty: '"{{field}}" contains an empty value.',
  ipInvalid: '"{{field}}" value "{{value}}" is not an IP address or CIDR block.',
  portInvalid: '"{{field}}" value "{{value}}" is not a port number from 0 to 65535.',
  pathTemplateInvalid: 'Path template "{{value}}" is not supported: {{reason}}.',
  serviceAccountInvalid: 'Service account "{{value}}" is not valid: {{reason}}.',
  trustDomainInvalid: 'Trust domain "{{value}}" may not contain "/".',
  conditionKeyEmpty: 'A "when" condition needs a non-empty "key".',
  conditionValuesMissing: 'Condition "{{key}}" needs "values" or "notValues".',
  conditionKeyInvalid: 'Condition key "{{key}}" is not valid: {{reason}}.',
};

export default defineRule({
  meta: {
    id: "authorizationpolicy-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "An AuthorizationPolicy breaks Istio's webhook validation: action, provider and rules, empty sources or operations, values, conditions.",
    aliases: webhookAliases(messages),
    messages,
  },
  target: [K.AuthorizationPolicy],
  reads: [],
  check(policy, ctx) {
    reportProblems(ctx, policy, validateAuthorizationPolicy(policy));
  },
});
