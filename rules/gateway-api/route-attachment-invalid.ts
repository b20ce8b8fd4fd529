import { defineRule } from "../../src/engine/rule.js";
import { admissionProblem, routeHostnames, selectListeners } from "../../src/gateway-api/listeners.js";
import { ListenerSet, ROUTE_KINDS, parentRefs } from "../../src/gateway-api/references.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";

const HELP = {
  namespaceNotAllowed: 'Widen the listener\'s allowedRoutes.namespaces ("All", or a Selector matching the route\'s namespace labels), or move the route.',
  kindNotAllowed: "Add the route kind to the listener's allowedRoutes.kinds, or attach the route to a listener of a matching protocol.",
  hostnameMismatch: "Make a route hostname match a listener hostname (wildcards count), or attach the route to another listener.",
} as const;

export default defineRule({
  meta: {
    id: "route-attachment-invalid",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description:
      "A route's parent Gateway exists, but none of the listeners it selects admits the route: allowedRoutes namespaces or kinds, or hostnames.",
    aliases: [{ tool: "kiali", code: "KIA1401", match: "partial", messageIds: ["namespaceNotAllowed"] }],
    messages: {
      namespaceNotAllowed: '{{kind}} "{{parent}}" admits no routes from namespace "{{namespace}}" on the listeners this parentRef selects.',
      kindNotAllowed: '{{kind}} "{{parent}}" admits no {{routeKind}} on the listeners this parentRef selects.',
      hostnameMismatch: 'The route\'s hostnames ({{hostnames}}) intersect no hostname of the listeners of {{kind}} "{{parent}}" that this parentRef selects.',
    },
  },
  target: ROUTE_KINDS,
  reads: [K.KubernetesGateway, ListenerSet, K.Namespace],
  check(route, ctx) {
    for (const ref of parentRefs(route)) {
      if (ref.target !== "gateway" && ref.target !== "listenerset") continue;
      const defs = ctx.index.definitions(ref.target === "gateway" ? K.KubernetesGateway : ListenerSet, ref.namespace, ref.name);
      // A route is rejected only when every definition of the parent (duplicates are their own finding) rejects it.
      const problems = defs.map((owner) => {
        const listeners = selectListeners(ref, owner);
        return Array.isArray(listeners) ? admissionProblem(ctx.index, route, listeners, owner) : undefined;
      });
      const problem = problems[0];
      if (!problem || problems.some((p) => p === undefined)) continue;
      const messageId = problem === "namespace" ? "namespaceNotAllowed" : problem === "kind" ? "kindNotAllowed" : "hostnameMismatch";
      ctx.report({
        resource: route,
        path: problem === "hostname" ? ["spec", "hostnames"] : [...ref.path, "name"],
        messageId,
        data: {
          kind: ref.kind,
          parent: `${ref.namespace}/${ref.name}`,
          namespace: route.namespace,
          routeKind: route.kind,
          hostnames: routeHostnames(route).map((h) => `"${h}"`).join(", "),
        },
        help: HELP[messageId],
        related: [{ resource: defs[0] as Resource, path: ["spec", "listeners"], message: `listeners of ${ref.kind} "${ref.name}"` }],
      });
    }
  },
});
