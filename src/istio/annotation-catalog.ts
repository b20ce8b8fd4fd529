/**
 * Istio's resource annotations: the names Istio defines, the kinds of resources each one belongs on, its feature
 * status, whether it is deprecated, and (for the ones Istio's injector validates) the form its value must take.
 *
 * Written from the annotation definitions of the istio/api repository (`annotation/annotations.yaml`, releases up
 * to 1.29), in this project's own form. An entry without a stated feature status is alpha, as Istio's generator
 * treats it. Annotations that later Istio releases removed but that installed clusters still carry (the in-cluster
 * operator's `install.operator.istio.io/*`) are kept as deprecated, so they are reported as such rather than as
 * unknown.
 */

/** The resource kinds an annotation belongs on, as istio/api names them. `Any`: every kind. */
export type AnnotationTarget =
  | "Any"
  | "Pod"
  | "Service"
  | "Namespace"
  | "Ingress"
  | "AuthorizationPolicy"
  | "WorkloadEntry"
  | "ServiceEntry"
  | "Gateway"
  | "GatewayClass";

export type FeatureStatus = "alpha" | "beta" | "stable";

/** The value forms Istio's sidecar injector checks before it injects a pod. */
export type AnnotationValueForm =
  | "uint32"
  | "port"
  | "portList"
  | "portListOrStar"
  | "cidrList"
  | "cidrListOrStar"
  | "bool"
  | "interceptionMode"
  | "proxyConfig";

export interface AnnotationDefinition {
  readonly name: string;
  readonly status: FeatureStatus;
  readonly targets: readonly AnnotationTarget[];
  readonly deprecated?: boolean;
  /** What to use instead, for deprecated annotations that have a successor. */
  readonly replacement?: string;
  readonly value?: AnnotationValueForm;
  /** Set by Istio itself (injector, controllers) rather than by users. */
  readonly setByIstio?: boolean;
}

const pod = (name: string, status: FeatureStatus = "alpha", more: Partial<AnnotationDefinition> = {}): AnnotationDefinition => ({
  name,
  status,
  targets: ["Pod"],
  ...more,
});

export const ISTIO_ANNOTATIONS: readonly AnnotationDefinition[] = [
  // Sidecar injection and the injected proxy.
  pod("sidecar.istio.io/inject", "beta", { deprecated: true, replacement: 'the "sidecar.istio.io/inject" label' }),
  pod("sidecar.istio.io/status", "alpha", { setByIstio: true }),
  pod("sidecar.istio.io/rewriteAppHTTPProbers"),
  pod("sidecar.istio.io/discoveryAddress", "alpha", { deprecated: true }),
  pod("sidecar.istio.io/proxyImage"),
  pod("sidecar.istio.io/proxyImageType"),
  pod("sidecar.istio.io/proxyCPU"),
  pod("sidecar.istio.io/proxyCPULimit"),
  pod("sidecar.istio.io/proxyMemory"),
  pod("sidecar.istio.io/proxyMemoryLimit"),
  pod("sidecar.istio.io/interceptionMode", "alpha", { value: "interceptionMode" }),
  pod("sidecar.istio.io/bootstrapOverride"),
  pod("sidecar.istio.io/statsInclusionPrefixes", "alpha", { deprecated: true }),
  pod("sidecar.istio.io/statsInclusionSuffixes", "alpha", { deprecated: true }),
  pod("sidecar.istio.io/statsInclusionRegexps", "alpha", { deprecated: true }),
  pod("sidecar.istio.io/statsHistogramBuckets"),
  pod("sidecar.istio.io/statsFlushInterval"),
  pod("sidecar.istio.io/statsEvictionInterval"),
  pod("sidecar.istio.io/statsCompression", "alpha", { deprecated: true, replacement: 'the "statsCompression" field of proxy.istio.io/config' }),
  pod("sidecar.istio.io/extraStatTags", "alpha", { deprecated: true }),
  pod("sidecar.istio.io/userVolume"),
  pod("sidecar.istio.io/userVolumeMount"),
  pod("sidecar.istio.io/logLevel"),
  pod("sidecar.istio.io/componentLogLevel"),
  pod("sidecar.istio.io/agentLogLevel"),
  pod("sidecar.istio.io/nativeSidecar"),
  pod("status.sidecar.istio.io/port", "alpha", { value: "port" }),
  pod("readiness.status.sidecar.istio.io/initialDelaySeconds", "alpha", { value: "uint32" }),
  pod("readiness.status.sidecar.istio.io/periodSeconds", "alpha", { value: "uint32" }),
  pod("readiness.status.sidecar.istio.io/failureThreshold", "alpha", { value: "uint32" }),
  pod("readiness.status.sidecar.istio.io/applicationPorts"),
  pod("inject.istio.io/templates"),
  pod("proxy.istio.io/config", "beta", { value: "proxyConfig" }),
  pod("proxy.istio.io/overrides", "alpha", { setByIstio: true }),
  pod("prometheus.istio.io/merge-metrics", "alpha", { value: "bool" }),
  pod("istio.io/rev", "alpha", { setByIstio: true }),

  // Traffic capture.
  pod("traffic.sidecar.istio.io/includeOutboundIPRanges", "alpha", { value: "cidrListOrStar" }),
  pod("traffic.sidecar.istio.io/excludeOutboundIPRanges", "alpha", { value: "cidrList" }),
  pod("traffic.sidecar.istio.io/includeInboundPorts", "alpha", { value: "portListOrStar" }),
  pod("traffic.sidecar.istio.io/excludeInboundPorts", "alpha", { value: "portList" }),
  pod("traffic.sidecar.istio.io/includeOutboundPorts"),
  pod("traffic.sidecar.istio.io/excludeOutboundPorts", "alpha", { value: "portList" }),
  pod("traffic.sidecar.istio.io/excludeInterfaces"),
  pod("traffic.sidecar.istio.io/kubevirtInterfaces", "alpha", { deprecated: true, replacement: 'the "istio.io/reroute-virtual-interfaces" annotation' }),
  pod("istio.io/reroute-virtual-interfaces"),

  // Ambient mode.
  pod("ambient.istio.io/redirection", "beta", { setByIstio: true }),
  pod("ambient.istio.io/bypass-inbound-capture"),
  pod("ambient.istio.io/dns-capture"),
  { name: "ambient.istio.io/waypoint-inbound-binding", status: "alpha", targets: ["GatewayClass", "Gateway"] },

  // Services, namespaces and other kinds.
  { name: "networking.istio.io/exportTo", status: "alpha", targets: ["Service"] },
  { name: "networking.istio.io/traffic-distribution", status: "alpha", targets: ["Service", "ServiceEntry"] },
  { name: "traffic.istio.io/nodeSelector", status: "stable", targets: ["Service"] },
  { name: "alpha.istio.io/kubernetes-serviceaccounts", status: "alpha", targets: ["Service"], deprecated: true },
  { name: "alpha.istio.io/canonical-serviceaccounts", status: "alpha", targets: ["Service"], deprecated: true },
  { name: "topology.istio.io/controlPlaneClusters", status: "alpha", targets: ["Namespace"] },
  { name: "kubernetes.io/ingress.class", status: "stable", targets: ["Ingress"] },
  { name: "istio.io/dry-run", status: "alpha", targets: ["AuthorizationPolicy"] },
  { name: "istio.io/autoRegistrationGroup", status: "alpha", targets: ["WorkloadEntry"], setByIstio: true },
  { name: "istio.io/workloadController", status: "alpha", targets: ["WorkloadEntry"], setByIstio: true },
  { name: "istio.io/connectedAt", status: "alpha", targets: ["WorkloadEntry"], setByIstio: true },
  { name: "istio.io/disconnectedAt", status: "alpha", targets: ["WorkloadEntry"], setByIstio: true },

  // Gateway deployment.
  { name: "gateway.istio.io/controller-version", status: "alpha", targets: ["Any"], setByIstio: true },
  { name: "gateway.istio.io/service-account", status: "alpha", targets: ["Gateway"] },
  { name: "gateway.istio.io/name-override", status: "alpha", targets: ["Gateway"] },
  { name: "gateway.istio.io/tls-cipher-suites", status: "alpha", targets: ["Gateway"] },
  { name: "networking.istio.io/service-type", status: "alpha", targets: ["Gateway"] },

  // Analysis and installation.
  { name: "galley.istio.io/analyze-suppress", status: "alpha", targets: ["Any"] },
  { name: "install.operator.istio.io/chart-owner", status: "alpha", targets: ["Any"], deprecated: true },
  { name: "install.operator.istio.io/owner-generation", status: "alpha", targets: ["Any"], deprecated: true },
  { name: "install.operator.istio.io/version", status: "alpha", targets: ["Any"], deprecated: true },
];

const BY_NAME = new Map(ISTIO_ANNOTATIONS.map((a) => [a.name, a]));

export const lookupAnnotation = (name: string): AnnotationDefinition | undefined => BY_NAME.get(name);

/**
 * Whether Istio claims an annotation key: its prefix (before the `/`) ends in `istio.io`, or it is the Kubernetes
 * `kubernetes.io/ingress.class` annotation, which Istio documents as its own.
 */
export function isIstioAnnotation(key: string): boolean {
  if (key === "kubernetes.io/ingress.class") return true;
  const slash = key.indexOf("/");
  return slash > 0 && key.slice(0, slash).endsWith("istio.io");
}

/** Istio keys that are labels, not annotations: written as an annotation, they do nothing. */
export const ISTIO_LABEL_KEYS: ReadonlySet<string> = new Set([
  "istio.io/dataplane-mode",
  "istio.io/use-waypoint",
  "istio.io/use-waypoint-namespace",
  "istio.io/waypoint-for",
  "istio.io/ingress-use-waypoint",
  "istio-injection",
  "istio.io/tag",
  "topology.istio.io/network",
  "topology.istio.io/cluster",
  "topology.istio.io/subzone",
  "topology.istio.io/locality",
  "service.istio.io/canonical-name",
  "service.istio.io/canonical-revision",
  "networking.istio.io/gatewayPort",
  "networking.istio.io/enable-autoallocate-ip",
  "gateway.istio.io/managed",
  "security.istio.io/tlsMode",
]);
