import { defineRule } from "../../src/engine/rule.js";
import { USE_WAYPOINT } from "../../src/istio/ambient.js";
import { holdsWaypointsIn } from "../../src/istio/evidence.js";
import { resolveWaypoint, waypointAdmits, waypointTrafficType, waypointUse } from "../../src/istio/waypoints.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, labelsOf } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { workloadOf } from "../../src/model/workloads.js";

/** The traffic types a waypoint must take for an object's label: a Service's traffic, or a workload's. */
function neededTraffic(r: Resource): "service" | "workload" | undefined {
  if (r.kind === "Namespace") return undefined;
  return r.kind === "Service" || r.kind === "ServiceEntry" ? "service" : "workload";
}

export default defineRule({
  meta: {
    id: "waypoint-not-found",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "An istio.io/use-waypoint label names a waypoint that does not exist, that does not take that traffic, or that does not admit the namespace.",
    aliases: [{ tool: "kiali", code: "KIA1313", match: "partial", messageIds: ["notFound"] }],
    messages: {
      notFound: 'Waypoint "{{namespace}}/{{name}}" does not exist: no Gateway of that name is defined.',
      trafficType: 'Waypoint "{{namespace}}/{{name}}" is labelled "istio.io/waypoint-for: {{type}}", so it does not take the {{needed}} traffic this label sends it.',
      notAdmitted: 'Waypoint "{{namespace}}/{{name}}" does not admit namespace "{{from}}": the allowedRoutes of its HBONE listener leave it out.',
    },
  },
  target: [K.Namespace, K.Service, K.ServiceEntry, ...WORKLOAD_KINDS],
  reads: [K.KubernetesGateway, K.GatewayClass],
  check(resource, ctx) {
    const isNamespace = resource.kind === "Namespace" && resource.group === "";
    const workload = isNamespace ? undefined : workloadOf(resource);
    // A workload's waypoint label is read from its pod template; a pod opted out of ambient has no waypoint.
    if (workload?.labels["istio.io/dataplane-mode"] === "none") return;
    const labels = workload ? workload.labels : labelsOf(resource);
    const home = isNamespace ? resource.name : resource.namespace;
    const use = waypointUse(labels, home);
    if (use.kind !== "named") return;
    const path = [...(workload ? [...workload.templatePath, "metadata"] : ["metadata"]), "labels", USE_WAYPOINT];
    const data = { name: use.name, namespace: use.namespace };
    const found = resolveWaypoint(ctx.index, use.name, use.namespace);
    if (found.kind === "unknown") return;
    if (found.kind === "missing") {
      // Certain when the repository holds the waypoints of that namespace; they may be applied from elsewhere otherwise.
      const certain = holdsWaypointsIn(ctx.index, use.namespace);
      ctx.report({
        resource,
        path,
        messageId: "notFound",
        data,
        help: `Deploy the waypoint (a Gateway of class "istio-waypoint" named "${use.name}" in namespace "${use.namespace}") or fix the label.`,
        ...(certain ? {} : { severity: "warning" as const }),
      });
      return;
    }
    const gateway = found.gateway;
    const related = [{ resource: gateway, message: "the waypoint" }];
    const needed = neededTraffic(resource);
    const type = waypointTrafficType(ctx.index, gateway);
    if ((needed && type !== needed && type !== "all") || type === "none") {
      ctx.report({ resource, path, messageId: "trafficType", data: { ...data, type, needed: needed ?? "service or workload" }, help: `Label the waypoint "istio.io/waypoint-for: ${needed ?? "service"}" (or "all").`, related });
      return;
    }
    if (waypointAdmits(ctx.index, gateway, home) === false) {
      ctx.report({ resource, path, messageId: "notAdmitted", data: { ...data, from: home }, help: 'Let the waypoint\'s HBONE listener admit this namespace ("allowedRoutes.namespaces.from: All" or a Selector).', related });
    }
  },
});
