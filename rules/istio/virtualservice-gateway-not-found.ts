import { defineRule } from "../../src/engine/rule.js";
import { isInternalGatewayReference } from "../../src/istio/gateway-servers.js";
import { MESH_GATEWAY, gatewayEntries, parseGatewayReference } from "../../src/istio/gateways.js";
import { nearestName } from "../../src/base/edit-distance.js";
import { declaresNamespace, holdsKindIn } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { isLinted } from "../../src/model/resource.js";

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
      gatewayNotInRepository:
        'Gateway "{{gateway}}" is not in these files: no Istio or Gateway API Gateway "{{name}}" in namespace "{{namespace}}", which the repository does not manage; another repository or installation may provide it.',
    },
  },
  target: [K.VirtualService],
  reads: [K.Gateway, K.KubernetesGateway, K.Namespace],
  check(vs, ctx) {
    for (const entry of gatewayEntries(vs)) {
      if (entry.written === MESH_GATEWAY || isInternalGatewayReference(entry.written)) continue;
      const ref = parseGatewayReference(entry.written, vs.namespace);
      // An empty name is a validation error (virtualservice-invalid), not a missing Gateway.
      if (!ref) continue;
      if (ctx.index.get(K.Gateway, ref.namespace, ref.name) || ctx.index.get(K.KubernetesGateway, ref.namespace, ref.name)) continue;
      // Shared gateways often live with the platform, not with the routes: a missing one is an error only where the
      // repository keeps that namespace's gateways (or creates the namespace), or the name is close to one it has.
      const owned =
        holdsKindIn(ctx.index, K.Gateway, ref.namespace) ||
        holdsKindIn(ctx.index, K.KubernetesGateway, ref.namespace) ||
        declaresNamespace(ctx.index, ref.namespace) ||
        closeToRepositoryGateway(ctx.index, ref.name);
      ctx.report({
        resource: vs,
        path: entry.path,
        messageId: owned ? "gatewayNotFound" : "gatewayNotInRepository",
        ...(owned ? {} : { severity: "info" as const }),
        data: { gateway: entry.written, name: ref.name, namespace: ref.namespace },
        help: 'Name a Gateway as "namespace/name" (a bare name means the VirtualService\'s own namespace), or "mesh" for sidecars.',
      });
    }
  },
});

/** Whether the repository defines a Gateway (Istio or Gateway API, any namespace) of this name or a name it misspells. */
function closeToRepositoryGateway(index: Parameters<typeof holdsKindIn>[0], name: string): boolean {
  const names = [...index.all(K.Gateway), ...index.all(K.KubernetesGateway)].filter(isLinted).map((g) => g.name);
  return names.includes(name) || nearestName(name, names) !== undefined;
}
