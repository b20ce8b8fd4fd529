import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { TARGET_REF_KINDS, validateTargetRefs } from "../../src/validation/config.js";
import { webhookAliases } from "../../src/validation/common.js";

const messages = {
  targetRefKind: 'targetRef to "{{group}}/{{kind}}" is not supported; Istio accepts a Service, a ServiceEntry, or a Gateway API Gateway or GatewayClass.',
};

export default defineRule({
  meta: {
    id: "istio-config-target-ref-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A policy's targetRef names a kind Istio's webhook refuses (only Service, ServiceEntry, Gateway and GatewayClass are allowed).",
    aliases: webhookAliases(messages),
    messages,
  },
  target: TARGET_REF_KINDS,
  reads: [],
  check(resource, ctx) {
    reportProblems(ctx, resource, validateTargetRefs(resource));
  },
});
