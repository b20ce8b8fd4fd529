import { defineRule } from "../../src/engine/rule.js";
import { listedPorts, serviceView } from "../../src/model/services.js";
import { EgressNetwork, ROUTE_KINDS, backendRefs } from "../../src/gateway-api/references.js";
import { holdsKind, ownsServicesIn } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "route-backend-not-found",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description: "A Gateway API route sends to a Service (or Linkerd EgressNetwork) that does not exist, or to a port its Service does not expose.",
    aliases: [{ tool: "kiali", code: "KIA1402", match: "partial", messageIds: ["serviceNotFound", "idleServiceNotFound", "serviceNotInRepository", "serviceNameInvalid"] }],
    messages: {
      serviceNotFound: 'Service "{{name}}" does not exist in namespace "{{namespace}}".',
      serviceNotInRepository:
        'Service "{{name}}" is not in the repository; namespace "{{namespace}}" is not created here, so its Services may be installed by something else.',
      idleServiceNotFound: 'Service "{{name}}" does not exist in namespace "{{namespace}}"; with weight 0 it receives no traffic until it exists.',
      serviceNameInvalid: 'Backend "{{name}}" is a host name, but backendRefs name a Service by its name (and namespace).',
      portNotFound: 'Service "{{namespace}}/{{name}}" does not expose port {{port}} (its ports: {{ports}}).',
      egressNetworkNotFound: 'EgressNetwork "{{name}}" does not exist in namespace "{{namespace}}".',
    },
  },
  target: ROUTE_KINDS,
  reads: [K.Service, EgressNetwork, K.Namespace],
  check(route, ctx) {
    for (const ref of backendRefs(route)) {
      const data = { name: ref.name, namespace: ref.namespace };
      if (ref.target === "egressnetwork") {
        if (!holdsKind(ctx.index, EgressNetwork) || ctx.index.definitions(EgressNetwork, ref.namespace, ref.name).length) continue;
        ctx.report({ resource: route, path: [...ref.path, "name"], messageId: "egressNetworkNotFound", data, help: "Fix the name or the namespace of the EgressNetwork." });
        continue;
      }
      if (ref.target !== "service") continue;
      if (ref.name.includes(".")) {
        const [name, namespace] = ref.name.split(".");
        ctx.report({
          resource: route,
          path: [...ref.path, "name"],
          messageId: "serviceNameInvalid",
          data,
          help: `Write name: ${name ?? ref.name}${namespace ? ` and namespace: ${namespace}` : ""}.`,
        });
        continue;
      }
      if (!holdsKind(ctx.index, K.Service)) continue;
      const defs = ctx.index.definitions(K.Service, ref.namespace, ref.name);
      if (defs.length === 0) {
        // Certain only where the repository owns the namespace's Services; where it only adds objects to a
        // namespace it does not create, the Service may come from another install (a Helm release of the app).
        const owned = ownsServicesIn(ctx.index, ref.namespace);
        // A weight-0 backend receives no requests (a canary prepared before its Service): nothing fails yet.
        const idle = owned && !ref.mirror && ref.weight === 0;
        ctx.report({
          resource: route,
          path: [...ref.path, "name"],
          messageId: idle ? "idleServiceNotFound" : owned ? "serviceNotFound" : "serviceNotInRepository",
          data,
          help: idle
            ? "Create the Service before giving this backend weight, or remove the backend."
            : owned
              ? "Fix the name, or set namespace when the Service lives in another namespace."
              : `Fix the name if it is wrong; if the Service is installed from elsewhere, declare the Namespace "${ref.namespace}" in the repository (or lint its install with it) to have it checked.`,
          ...(idle ? { severity: "warning" as const } : owned ? {} : { severity: "info" as const }),
        });
        continue;
      }
      if (ref.port === undefined) continue;
      const portLists = defs.map((d) => listedPorts(serviceView(ctx.index, d)));
      if (portLists.some((ports) => !ports || ports.some((p) => p.number === ref.port))) continue;
      ctx.report({
        resource: route,
        path: [...ref.path, "port"],
        messageId: "portNotFound",
        data: { ...data, port: ref.port, ports: (portLists[0] ?? []).map((p) => p.number).join(", ") },
        help: "Use the Service's port (spec.ports[].port), not the container's targetPort.",
        related: [{ resource: defs[0] as Resource, path: ["spec", "ports"], message: `ports of Service "${ref.name}"` }],
      });
    }
  },
});
