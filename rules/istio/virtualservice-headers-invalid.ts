import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateHeaderOperations } from "../../src/validation/virtual-service.js";
import { webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  headerEmpty: 'A header name in "{{field}}" is empty.',
  headerPseudo: '"{{field}}" cannot set pseudo-header "{{value}}"; of the ":"-prefixed headers only ":authority" may be set on requests.',
  headerReserved: '"{{field}}" cannot change header "{{value}}"; "host" and ":"-prefixed headers can only be set or added on requests.',
  headerValueInvalid: 'Header value "{{value}}" in "{{field}}" is not valid for Envoy: {{reason}}.',
  authorityTwice: 'The authority is rewritten twice (to "{{first}}" and to "{{second}}"); Istio allows one place only.',
};

export default defineRule({
  meta: {
    id: "virtualservice-headers-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A VirtualService changes headers the way Istio's webhook refuses: empty or reserved names, bad values, a double authority rewrite.",
    aliases: webhookAliases(messages),
    messages,
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    reportProblems(ctx, vs, validateHeaderOperations(vs));
  },
});
