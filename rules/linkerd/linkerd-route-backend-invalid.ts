import { defineRule } from "../../src/engine/rule.js";
import { listedPorts, serviceView } from "../../src/model/services.js";
import { backendRefs } from "../../src/gateway-api/references.js";
import { holdsKindIn, holdsKind } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { LINKERD_ROUTE_KINDS, isLinkerdRoute, linkerdGoverns, linkerdParentRefs } from "../../src/linkerd/routes.js";

export default defineRule({
  meta: {
    id: "linkerd-route-backend-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A route Linkerd serves sends to a backend it cannot use: a kind other than Service or EgressNetwork, another EgressNetwork than its parent, or a missing Service or port.",
    messages: {
      kindInvalid: 'backendRef kind "{{kind}}" (group "{{group}}") is neither a Service nor an EgressNetwork; Linkerd marks the backend InvalidKind.',
      egressNotParent: 'backendRef EgressNetwork "{{name}}" is not a parent of this route; an EgressNetwork backend is only valid on a route attached to that EgressNetwork.',
      serviceNotFound: 'Service "{{name}}" does not exist in namespace "{{namespace}}".',
      portNotFound: 'Service "{{name}}" has no port {{port}}.',
      portMissing: 'backendRef to Service "{{name}}" has no port; Linkerd treats a Service backend without port as invalid.',
    },
  },
  target: LINKERD_ROUTE_KINDS,
  reads: [K.Service, K.EgressNetwork],
  check(route, ctx) {
    if (!linkerdGoverns(ctx.index, route)) return;
    const parents = linkerdParentRefs(route);
    if (!parents.some((p) => p.target === "service" || p.target === "egressnetwork")) return; // inbound routes have no backends
    const own = isLinkerdRoute(route);
    for (const ref of backendRefs(route)) {
      const data = { kind: ref.kind, group: ref.group, name: ref.name, namespace: ref.namespace, port: ref.port ?? "" };
      if (ref.target === "egressnetwork") {
        // A missing EgressNetwork is route-backend-not-found's finding.
        const missing = holdsKind(ctx.index, K.EgressNetwork) && !ctx.index.get(K.EgressNetwork, ref.namespace, ref.name);
        if (!missing && !parents.some((p) => p.target === "egressnetwork" && p.name === ref.name && p.namespace === ref.namespace)) {
          ctx.report({ resource: route, path: [...ref.path, "name"], messageId: "egressNotParent", data, help: "Attach the route to this EgressNetwork, or send to a Service." });
        }
      } else if (ref.target !== "service") {
        // On Gateway API routes other kinds may be meant for another implementation (e.g. a ServiceImport).
        if (!own) continue;
        ctx.report({ resource: route, path: [...ref.path, "kind"], messageId: "kindInvalid", data, help: "Send to a Service (or, on an egress route, to its EgressNetwork)." });
      } else if (own && ref.port === undefined && !ref.mirror) {
        ctx.report({ resource: route, path: ref.path, messageId: "portMissing", data, help: "Set port to the Service port to send to." });
      } else if (own && holdsKind(ctx.index, K.Service)) {
        // Gateway API routes' missing Services and ports are route-backend-not-found's.
        const service = ctx.index.get(K.Service, ref.namespace, ref.name);
        const ports = service && listedPorts(serviceView(ctx.index, service));
        if (!service) {
          const certain = holdsKindIn(ctx.index, K.Service, ref.namespace);
          ctx.report({ resource: route, path: [...ref.path, "name"], messageId: "serviceNotFound", data, ...(certain ? { severity: "error" as const } : {}), help: "Fix the name, or set namespace when the Service lives in another namespace." });
        } else if (ref.port !== undefined && ports && !ports.some((p) => p.number === ref.port)) {
          ctx.report({ resource: route, path: [...ref.path, "port"], messageId: "portNotFound", data, severity: "error", help: `Use one of the ports of Service "${ref.name}".` });
        }
      }
    }
  },
});
