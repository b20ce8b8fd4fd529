import { defineRule } from "../../src/engine/rule.js";
import type { Resource } from "../../src/model/resource.js";
import { LINKERD_ROUTE_KINDS, ROUTE_KIND_RANK, type LinkerdParentRef, linkerdGoverns, linkerdParentRefs } from "../../src/linkerd/routes.js";
import { addTo } from "../../src/base/multimap.js";

interface Attachment {
  readonly route: Resource;
  readonly ref: LinkerdParentRef;
}

export default defineRule({
  meta: {
    id: "linkerd-route-kind-conflict",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "Routes of different kinds attach to the same Service or EgressNetwork; Linkerd keeps the highest kind (GRPCRoute, HTTPRoute, TLSRoute, TCPRoute) and ignores the others.",
    messages: {
      conflict: '{{kind}} is ignored on {{parentKind}} "{{parent}}": {{winnerKind}} "{{winner}}" attaches to it too and takes precedence.',
    },
  },
  reads: LINKERD_ROUTE_KINDS,
  checkAll(ctx) {
    const byParent = new Map<string, Attachment[]>();
    for (const kind of LINKERD_ROUTE_KINDS) {
      for (const route of ctx.index.all(kind)) {
        if (!linkerdGoverns(ctx.index, route)) continue;
        for (const ref of linkerdParentRefs(route)) {
          if (ref.target !== "service" && ref.target !== "egressnetwork") continue;
          const key = `${ref.target}\u0000${ref.namespace}\u0000${ref.name}`;
          addTo(byParent, key, { route, ref });
        }
      }
    }
    for (const attachments of byParent.values()) {
      for (const a of attachments) {
        const rank = ROUTE_KIND_RANK[a.route.kind] ?? 0;
        // The same port, or either side without one (a route without port covers every port of the parent).
        const winner = attachments
          .filter((b) => (ROUTE_KIND_RANK[b.route.kind] ?? 0) > rank && (a.ref.port === undefined || b.ref.port === undefined || a.ref.port === b.ref.port))
          .sort((x, y) => (ROUTE_KIND_RANK[y.route.kind] ?? 0) - (ROUTE_KIND_RANK[x.route.kind] ?? 0))[0];
        if (!winner) continue;
        ctx.report({
          resource: a.route,
          path: [...a.ref.path, "name"],
          messageId: "conflict",
          data: {
            kind: a.route.kind,
            parentKind: a.ref.kind,
            parent: `${a.ref.namespace}/${a.ref.name}`,
            winnerKind: winner.route.kind,
            winner: `${winner.route.namespace}/${winner.route.name}`,
          },
          help: "Use one route kind per parent (and port), or attach the routes to different ports.",
          related: [{ resource: winner.route, path: [...winner.ref.path, "name"], message: `${winner.route.kind} attached to the same parent` }],
        });
      }
    }
  },
});
