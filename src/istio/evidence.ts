// What the repository gives evidence of about Istio, in the vocabulary of src/model/evidence.ts.
import { holdsKind, marksWorkloadsOrNamespaces, runsContainerNamed } from "../model/evidence.js";
import { K, type KindKey } from "../model/kinds.js";
import { type Resource, asString, isLinted, spec } from "../model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../model/resource-index.js";
import { isGatewayProxy } from "./gateway-servers.js";
import { HOST_KINDS } from "./hosts.js";
import { ISTIO_GATEWAY_CLASSES } from "./installation.js";

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
  index.union("istio:uses-config", [], (r) => (isLinted(r) && r.group.endsWith("istio.io") ? [r.group] : [])).size > 0;

/** Label and annotation keys by which Istio's injector, CNI and proxies are told about a namespace or pod. */
const isIstioMark = (key: string): boolean =>
  key === "istio-injection" ||
  key === "istio" ||
  /^(istio\.io|sidecar\.istio\.io|proxy\.istio\.io|traffic\.sidecar\.istio\.io|inject\.istio\.io|ambient\.istio\.io)\//.test(key);

/** The kinds showsIstio reads (besides Istio's own, which are evidence wherever they appear). */
export const ISTIO_EVIDENCE_KINDS: readonly KindKey[] = [K.Namespace, ...WORKLOAD_KINDS, K.KubernetesGateway];

/**
 * Whether the repository shows that Istio runs where it deploys: Istio configuration, Istio's injection or proxy
 * labels and annotations on a namespace or pod template (or Istio's own component label `istio`), a pod running
 * `istio-proxy`, a Gateway of one of Istio's classes, or settings naming an Istio installation profile. Istio's
 * conventions for plain Kubernetes objects (port naming, UID 1337) are judged only then: a repository meshed by
 * Linkerd, or one that only runs another Gateway API controller, does not follow them and does not need to.
 */
export const showsIstio = (index: ResourceIndex): boolean =>
  index.fact("istio/shows-istio", [K.KubernetesGateway], (i) => {
    if (usesIstioConfig(i) || i.settings.installation.profile !== undefined) return true;
    if (marksWorkloadsOrNamespaces(i, "istio", isIstioMark) || runsContainerNamed(i, "istio-proxy")) return true;
    return i.all(K.KubernetesGateway).some((gw) => isLinted(gw) && ISTIO_GATEWAY_CLASSES.includes(asString(spec(gw).gatewayClassName) ?? ""));
  });

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
