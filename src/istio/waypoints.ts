import { listenersOf, namespaceAllowed } from "../gateway-api/listeners.js";
import { K } from "../model/kinds.js";
import { type Resource, asString, labelsOf, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { Workload } from "../model/workloads.js";
import { USE_WAYPOINT, USE_WAYPOINT_NAMESPACE, declaredNamespaceLabels } from "./ambient.js";
import { holdsWaypoints } from "./evidence.js";
import { servicesSelecting } from "../model/services.js";

// Waypoints as istiod resolves them (pilot/pkg/serviceregistry/ambient/waypoints.go): an object names its waypoint
// with `istio.io/use-waypoint` (`none` opts out) and, for one in another namespace, `istio.io/use-waypoint-namespace`;
// the waypoint is the Gateway API Gateway of that name; its `istio.io/waypoint-for` label (else its GatewayClass's,
// else `service`) says which traffic it takes, and its HBONE listener's allowedRoutes which namespaces may use it.

const WAYPOINT_FOR = "istio.io/waypoint-for";

/** What an object's labels say about its waypoint: none written, an explicit opt-out, or a named waypoint. */
export type WaypointUse = { readonly kind: "unset" } | { readonly kind: "none" } | { readonly kind: "named"; readonly name: string; readonly namespace: string };

/** Reads `istio.io/use-waypoint` (and `-namespace`); `namespace` is where a name without one is looked up. */
export function waypointUse(labels: Readonly<Record<string, string>>, namespace: string): WaypointUse {
  const name = labels[USE_WAYPOINT];
  if (name === undefined || name === "") return { kind: "unset" };
  if (name === "none") return { kind: "none" };
  return { kind: "named", name, namespace: labels[USE_WAYPOINT_NAMESPACE] || namespace };
}

/** Traffic a waypoint takes: `service` (Istio's default), `workload`, `all` or `none`. */
export function waypointTrafficType(index: ResourceIndex, gateway: Resource): string {
  const own = labelsOf(gateway)[WAYPOINT_FOR];
  if (own !== undefined) return own;
  const className = asString(spec(gateway).gatewayClassName);
  const gatewayClass = className ? index.get(K.GatewayClass, "", className) : undefined;
  return (gatewayClass && labelsOf(gatewayClass)[WAYPOINT_FOR]) ?? "service";
}

/**
 * Whether a waypoint lets objects of `namespace` use it: its HBONE listener's allowedRoutes (`Same` when absent or
 * when it has no such listener). Undefined when a namespace selector cannot be judged (the namespace is not declared).
 */
export function waypointAdmits(index: ResourceIndex, gateway: Resource, namespace: string): boolean | undefined {
  const hbone = listenersOf(gateway).find((l) => l.protocol === "HBONE" && l.port === 15008);
  if (!hbone) return gateway.namespace === namespace;
  return namespaceAllowed(index, hbone, gateway, namespace);
}

/** What a `use-waypoint` reference resolves to. */
export type WaypointResolution =
  | { readonly kind: "found"; readonly gateway: Resource }
  | { readonly kind: "missing" }
  /** Not judged: the repository holds no waypoint Gateways, so they are managed elsewhere. */
  | { readonly kind: "unknown" };

export function resolveWaypoint(index: ResourceIndex, name: string, namespace: string): WaypointResolution {
  const gateway = index.get(K.KubernetesGateway, namespace, name);
  if (gateway) return { kind: "found", gateway };
  return holdsWaypoints(index) ? { kind: "missing" } : { kind: "unknown" };
}

/**
 * The waypoint reference that applies to a workload, in the order istiod and Kiali read it: the pod template's own
 * label, then that of a Service selecting it, then the namespace's. The first written wins, `none` included.
 */
export function workloadWaypointUse(index: ResourceIndex, workload: Workload): WaypointUse {
  const own = waypointUse(workload.labels, workload.namespace);
  if (own.kind !== "unset") return own;
  for (const svc of servicesSelecting(index, workload)) {
    const viaService = waypointUse(labelsOf(svc.resource), workload.namespace);
    if (viaService.kind !== "unset") return viaService;
  }
  return waypointUse(declaredNamespaceLabels(index, workload.namespace), workload.namespace);
}

/** Whether a workload has a waypoint: enrolled with one that exists (or that the repository does not manage). */
export function workloadHasWaypoint(index: ResourceIndex, workload: Workload): boolean {
  const use = workloadWaypointUse(index, workload);
  return use.kind === "named" && resolveWaypoint(index, use.name, use.namespace).kind !== "missing";
}
