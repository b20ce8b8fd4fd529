import { defineRule } from "../../src/engine/rule.js";
import { listedPorts, serviceView } from "../../src/model/services.js";
import { holdsKindIn, holdsKind } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { LINKERD_ROUTE_KINDS, isLinkerdRoute, linkerdGoverns, linkerdParentRefs, webhookSeverity } from "../../src/linkerd/routes.js";

export default defineRule({
  meta: {
    id: "linkerd-route-parent-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A route Linkerd serves names a parent it cannot attach to: a missing or headless Service, a Server in another namespace or missing, an EgressNetwork without port.",
    messages: {
      egressPortMissing: 'parentRef to EgressNetwork "{{name}}" has no port; Linkerd requires one.',
      serverForeign: 'parentRef names Server "{{name}}" in namespace "{{namespace}}"; a route can only attach to Servers in its own namespace.',
      serverNotFound: 'Server "{{name}}" does not exist in namespace "{{namespace}}".',
      serviceNotFound: 'Service "{{name}}" does not exist in namespace "{{namespace}}".',
      servicePortNotFound: 'Service "{{name}}" has no port {{port}}.',
      serviceHeadless: 'Service "{{name}}" is headless (clusterIP: None); Linkerd does not accept it as a route parent.',
      egressNotFound: 'EgressNetwork "{{name}}" does not exist in namespace "{{namespace}}".',
    },
  },
  target: LINKERD_ROUTE_KINDS,
  reads: [K.Service, K.LinkerdServer, K.EgressNetwork],
  check(route, ctx) {
    if (!linkerdGoverns(ctx.index, route)) return;
    // Gateway API routes' missing Services, ports and EgressNetworks are route-parent-not-found's.
    const own = isLinkerdRoute(route);
    for (const ref of linkerdParentRefs(route)) {
      const data = { name: ref.name, namespace: ref.namespace, port: ref.port ?? "" };
      const at = [...ref.path, "name"];
      if (ref.target === "egressnetwork") {
        if (ref.port === undefined) {
          ctx.report({ resource: route, path: ref.path, messageId: "egressPortMissing", data, severity: webhookSeverity(route), help: "Set port to the destination port the route is for." });
        }
        if (own && holdsKind(ctx.index, K.EgressNetwork) && !ctx.index.get(K.EgressNetwork, ref.namespace, ref.name)) {
          ctx.report({ resource: route, path: at, messageId: "egressNotFound", data, severity: "warning", help: "Fix the name or the namespace of the EgressNetwork." });
        }
      } else if (ref.target === "server") {
        if (ref.namespace !== route.namespace) {
          ctx.report({ resource: route, path: [...ref.path, "namespace"], messageId: "serverForeign", data, help: "Create the route in the Server's namespace." });
        } else if (holdsKind(ctx.index, K.LinkerdServer) && !ctx.index.get(K.LinkerdServer, ref.namespace, ref.name)) {
          ctx.report({ resource: route, path: at, messageId: "serverNotFound", data, severity: "warning", help: "Fix the name of the Server." });
        }
      } else if (ref.target === "service") {
        const service = ctx.index.get(K.Service, ref.namespace, ref.name);
        if (!service) {
          if (own && holdsKind(ctx.index, K.Service)) {
            const certain = holdsKindIn(ctx.index, K.Service, ref.namespace);
            ctx.report({ resource: route, path: at, messageId: "serviceNotFound", data, severity: certain ? "error" : "warning", help: "Fix the name, or set namespace when the Service lives in another namespace." });
          }
          continue;
        }
        const view = serviceView(ctx.index, service);
        if (view.headless) {
          ctx.report({ resource: route, path: at, messageId: "serviceHeadless", data, severity: "warning", help: "Attach the route to a Service with a cluster IP." });
          continue;
        }
        const ports = listedPorts(view);
        if (own && ref.port !== undefined && ports && !ports.some((p) => p.number === ref.port)) {
          ctx.report({ resource: route, path: [...ref.path, "port"], messageId: "servicePortNotFound", data, severity: "warning", help: `Name one of the ports of Service "${ref.name}".` });
        }
      }
    }
  },
});
