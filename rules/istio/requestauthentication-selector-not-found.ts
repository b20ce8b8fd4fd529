import { defineRule } from "../../src/engine/rule.js";
import { selectorMatchingNothing } from "../../src/istio/selection.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { describeSelector } from "../../src/model/selectors.js";

export default defineRule({
  meta: {
    id: "requestauthentication-selector-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A RequestAuthentication's selector matches no workload, so it validates no request token.",
    aliases: [{ tool: "kiali", code: "KIA0004", match: "partial" }],
    messages: {
      noWorkload: 'The selector "{{selector}}" matches no workload in namespace "{{namespace}}".',
    },
  },
  target: [K.RequestAuthentication],
  reads: [K.KubernetesGateway, ...WORKLOAD_KINDS],
  check(policy, ctx) {
    const target = selectorMatchingNothing(ctx.index, policy);
    if (!target) return;
    ctx.report({
      resource: policy,
      path: target.path,
      messageId: "noWorkload",
      data: { selector: describeSelector(target.selector), namespace: policy.namespace },
      help: "Fix the selector to match the pod template labels of a workload in the policy's namespace.",
    });
  },
});
