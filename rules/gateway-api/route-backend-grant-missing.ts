import { defineRule } from "../../src/engine/rule.js";
import { GATEWAY_GROUP, ROUTE_KINDS, backendRefs, isGatewayAttached, referenceGranted } from "../../src/gateway-api/references.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "route-backend-grant-missing",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description:
      "A route attached to a Gateway sends to a backend in another namespace without a ReferenceGrant there permitting it (mesh-only routes need none).",
    aliases: [{ tool: "kiali", code: "KIA1402", match: "partial" }],
    messages: {
      grantMissing:
        'No ReferenceGrant in namespace "{{namespace}}" lets a {{routeKind}} from namespace "{{from}}" refer to {{kind}} "{{name}}".',
    },
  },
  target: ROUTE_KINDS,
  reads: [K.ReferenceGrant],
  check(route, ctx) {
    // GAMMA routes (parents are Services only) may send anywhere: Istio enforces grants only for Gateway routes, and
    // Linkerd reads none. A route with a Gateway parent is judged as a Gateway route.
    if (!isGatewayAttached(route)) return;
    const from = { group: GATEWAY_GROUP, kind: route.kind, namespace: route.namespace };
    for (const ref of backendRefs(route)) {
      if (ref.namespace === route.namespace || referenceGranted(ctx.index, from, ref)) continue;
      ctx.report({
        resource: route,
        path: [...ref.path, "namespace"],
        messageId: "grantMissing",
        data: { namespace: ref.namespace, routeKind: route.kind, from: route.namespace, kind: ref.kind, name: ref.name },
        help: `Add a ReferenceGrant in "${ref.namespace}" from {group: ${GATEWAY_GROUP}, kind: ${route.kind}, namespace: ${route.namespace}} to {group: "${ref.group}", kind: ${ref.kind}}.`,
      });
    }
  },
});
