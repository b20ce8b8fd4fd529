import { defineRule } from "../../src/engine/rule.js";
import { gatewayReferences } from "../../src/model/istio/gateways.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-gateway-not-found",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A VirtualService names a gateway that is neither an Istio Gateway nor a Gateway API Gateway.",
    aliases: [
      { tool: "istioctl", code: "IST0101", match: "partial" },
      { tool: "kiali", code: "KIA1102", match: "same" },
    ],
    messages: {
      gatewayNotFound: 'Gateway "{{gateway}}" does not exist: no Istio or Gateway API Gateway "{{name}}" in namespace "{{namespace}}".',
    },
  },
  target: [K.VirtualService],
  reads: [K.Gateway, K.KubernetesGateway],
  check(vs, ctx) {
    for (const ref of gatewayReferences(vs)) {
      if (ctx.index.get(K.Gateway, ref.namespace, ref.name) || ctx.index.get(K.KubernetesGateway, ref.namespace, ref.name)) continue;
      ctx.report({
        resource: vs,
        path: ref.path,
        messageId: "gatewayNotFound",
        data: { gateway: ref.written, name: ref.name, namespace: ref.namespace },
        help: 'Name a Gateway as "namespace/name" (a bare name means the VirtualService\'s own namespace), or "mesh" for sidecars.',
      });
    }
  },
});
