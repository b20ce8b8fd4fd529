// What the repository gives evidence of about Istio, in the vocabulary of src/model/evidence.ts.
import { holdsKind } from "../model/evidence.js";
import { K } from "../model/kinds.js";
import { type Resource, asString, isLinted, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { isGatewayProxy } from "./gateway-servers.js";
import { HOST_KINDS } from "./hosts.js";

/**
 * Whether the repository defines Services or ServiceEntries of its own. The objects a standard installation
 * provides (its gateways' Services, istiod's, the API server's `kubernetes` Service) do not count, even when the
 * repository writes them out: a repository holding only those keeps its application Services elsewhere, and
 * every route destination would look missing.
 */
export function repositoryDefinesHosts(index: ResourceIndex): boolean {
  return index.fact("istio/repository-defines-hosts", HOST_KINDS, (index) => {
    const { installation } = index.settings;
    const provided = new Set([
      "default/kubernetes",
      `${installation.istioNamespace}/istiod`,
      ...installation.gateways.map((gw) => `${gw.namespace}/${gw.name}`),
    ]);
    if (holdsKind(index, K.ServiceEntry)) return true;
    return index.all(K.Service).some((r) => isLinted(r) && !provided.has(`${r.namespace}/${r.name}`));
  });
}

/** Whether the repository holds any Istio configuration (an object of a `*.istio.io` group). */
export const usesIstioConfig = (index: ResourceIndex): boolean =>
  index.fact("istio:uses-config", [], (i) => i.resources.some((r) => isLinted(r) && r.group.endsWith("istio.io")));

/** Whether the repository deploys gateway proxies of its own (assumed installation workloads do not count). */
export function repositoryDeploysGateways(index: ResourceIndex): boolean {
  index.workloads();
  return index.fact("istio/repository-gateway-proxies", [], (i) => i.workloads().all.some((w) => isLinted(w.resource) && isGatewayProxy(w)));
}

/** Istio's waypoint GatewayClass. */
export const WAYPOINT_CLASS = "istio-waypoint";

const isOwnWaypoint = (gw: Resource): boolean => isLinted(gw) && asString(spec(gw).gatewayClassName) === WAYPOINT_CLASS;

/** Whether the repository deploys waypoints itself (Gateways of class istio-waypoint): `use-waypoint` labels are then judged. */
export const holdsWaypoints = (index: ResourceIndex): boolean =>
  index.fact("istio/holds-waypoints", [K.KubernetesGateway], (i) => i.all(K.KubernetesGateway).some(isOwnWaypoint));

/** Whether the repository deploys waypoints in this namespace: a missing one there is certain. */
export const holdsWaypointsIn = (index: ResourceIndex, namespace: string): boolean =>
  index.inNamespace(K.KubernetesGateway, namespace).some(isOwnWaypoint);
