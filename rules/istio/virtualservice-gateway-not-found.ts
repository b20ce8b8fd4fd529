import { defineRule } from "../../src/engine/rule.js";
import { isInternalGatewayReference } from "../../src/istio/gateway-servers.js";
import { MESH_GATEWAY, gatewayEntries, parseGatewayReference } from "../../src/istio/gateways.js";
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
      // istioctl also reports a missing gateway as one whose hosts match none of the VirtualService's (IST0132).
      { tool: "istioctl", code: "IST0132", match: "partial" },
    ],
    messages: {
      gatewayNotFound: 'Gateway "{{gateway}}" does not exist: no Istio or Gateway API Gateway "{{name}}" in namespace "{{namespace}}".',
    },
  },
  target: [K.VirtualService],
  reads: [K.Gateway, K.KubernetesGateway],
  check(vs, ctx) {
    for (const entry of gatewayEntries(vs)) {
      if (entry.written === MESH_GATEWAY || isInternalGatewayReference(entry.written)) continue;
      const ref = parseGatewayReference(entry.written, vs.namespace);
      // An empty name is a validation error (virtualservice-invalid), not a missing Gateway.
      if (!ref) continue;
      if (ctx.index.get(K.Gateway, ref.namespace, ref.name) || ctx.index.get(K.KubernetesGateway, ref.namespace, ref.name)) continue;
      ctx.report({
        resource: vs,
        path: entry.path,
        messageId: "gatewayNotFound",
        data: { gateway: entry.written, name: ref.name, namespace: ref.namespace },
        help: 'Name a Gateway as "namespace/name" (a bare name means the VirtualService\'s own namespace), or "mesh" for sidecars.',
      });
    }
  },
});
