import { defineRule } from "../../src/engine/rule.js";
import { ISTIO_OPERATOR, gatewaySelectorLabels, gatewayWorkloads, scopeGatewayToNamespace } from "../../src/istio/gateway-servers.js";
import { repositoryDeploysGateways } from "../../src/istio/evidence.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { describeSelector, selectorFromLabels } from "../../src/model/selectors.js";

export default defineRule({
  meta: {
    id: "gateway-workload-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An Istio Gateway's selector matches no gateway workload, so no proxy serves its servers.",
    aliases: [
      { tool: "istioctl", code: "IST0101", match: "partial" },
      { tool: "kiali", code: "KIA0302", match: "same" },
    ],
    messages: {
      noWorkload: 'Selector "{{selector}}" matches no workload, so no gateway proxy serves this Gateway.',
      noWorkloadInNamespace:
        'Selector "{{selector}}" matches no workload in namespace "{{namespace}}", and PILOT_SCOPE_GATEWAY_TO_NAMESPACE keeps a Gateway to its own namespace.',
    },
  },
  target: [K.Gateway],
  reads: [...WORKLOAD_KINDS, ISTIO_OPERATOR],
  check(gw, ctx) {
    const labels = gatewaySelectorLabels(gw);
    if (Object.keys(labels).length === 0) return;
    if (gatewayWorkloads(ctx.index, gw).length > 0) return;
    const selector = selectorFromLabels(labels);
    const scoped = scopeGatewayToNamespace(ctx.index);
    const elsewhere = scoped && ctx.index.workloads().selectAnywhere(selector).length > 0;
    // Gateway proxies are often installed from another repository (a Helm release, an istioctl profile): judge
    // the selector only where this repository deploys gateway proxies itself, or matches them in another namespace.
    if (!elsewhere && !repositoryDeploysGateways(ctx.index)) return;
    ctx.report({
      resource: gw,
      path: ["spec", "selector"],
      messageId: elsewhere ? "noWorkloadInNamespace" : "noWorkload",
      data: { selector: describeSelector(selector), namespace: gw.namespace },
      help: "Fix the selector to the labels of the gateway Deployment's pod template (the default ingress gateway has istio=ingressgateway).",
    });
  },
});
