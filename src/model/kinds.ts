/** A kind without its version: rules and the index never care which version a manifest was written in. */
export interface KindKey {
  readonly group: string;
  readonly kind: string;
}

const kind = (group: string, name: string): KindKey => Object.freeze({ group, kind: name });

const ISTIO_NET = "networking.istio.io";
const ISTIO_SEC = "security.istio.io";
const GATEWAY_API = "gateway.networking.k8s.io";
const LINKERD_POLICY = "policy.linkerd.io";

/**
 * Kinds as Kubernetes spells them. Where two APIs share a kind name, the Istio one keeps the plain name
 * and the other gets its API's prefix (Istio's own code does the same for Gateway API kinds).
 */
export const K = {
  Namespace: kind("", "Namespace"),
  Service: kind("", "Service"),
  Pod: kind("", "Pod"),
  ReplicationController: kind("", "ReplicationController"),
  ServiceAccount: kind("", "ServiceAccount"),
  ConfigMap: kind("", "ConfigMap"),
  Secret: kind("", "Secret"),
  Node: kind("", "Node"),
  Endpoints: kind("", "Endpoints"),
  Deployment: kind("apps", "Deployment"),
  StatefulSet: kind("apps", "StatefulSet"),
  DaemonSet: kind("apps", "DaemonSet"),
  ReplicaSet: kind("apps", "ReplicaSet"),
  Job: kind("batch", "Job"),
  CronJob: kind("batch", "CronJob"),
  Rollout: kind("argoproj.io", "Rollout"),
  CustomResourceDefinition: kind("apiextensions.k8s.io", "CustomResourceDefinition"),

  VirtualService: kind(ISTIO_NET, "VirtualService"),
  DestinationRule: kind(ISTIO_NET, "DestinationRule"),
  Gateway: kind(ISTIO_NET, "Gateway"),
  ServiceEntry: kind(ISTIO_NET, "ServiceEntry"),
  Sidecar: kind(ISTIO_NET, "Sidecar"),
  EnvoyFilter: kind(ISTIO_NET, "EnvoyFilter"),
  WorkloadEntry: kind(ISTIO_NET, "WorkloadEntry"),
  WorkloadGroup: kind(ISTIO_NET, "WorkloadGroup"),
  ProxyConfig: kind(ISTIO_NET, "ProxyConfig"),
  AuthorizationPolicy: kind(ISTIO_SEC, "AuthorizationPolicy"),
  PeerAuthentication: kind(ISTIO_SEC, "PeerAuthentication"),
  RequestAuthentication: kind(ISTIO_SEC, "RequestAuthentication"),
  Telemetry: kind("telemetry.istio.io", "Telemetry"),
  WasmPlugin: kind("extensions.istio.io", "WasmPlugin"),

  KubernetesGateway: kind(GATEWAY_API, "Gateway"),
  GatewayClass: kind(GATEWAY_API, "GatewayClass"),
  HTTPRoute: kind(GATEWAY_API, "HTTPRoute"),
  GRPCRoute: kind(GATEWAY_API, "GRPCRoute"),
  TCPRoute: kind(GATEWAY_API, "TCPRoute"),
  TLSRoute: kind(GATEWAY_API, "TLSRoute"),
  UDPRoute: kind(GATEWAY_API, "UDPRoute"),
  ReferenceGrant: kind(GATEWAY_API, "ReferenceGrant"),

  LinkerdServer: kind(LINKERD_POLICY, "Server"),
  LinkerdServerAuthorization: kind(LINKERD_POLICY, "ServerAuthorization"),
  LinkerdAuthorizationPolicy: kind(LINKERD_POLICY, "AuthorizationPolicy"),
  LinkerdHTTPRoute: kind(LINKERD_POLICY, "HTTPRoute"),
  MeshTLSAuthentication: kind(LINKERD_POLICY, "MeshTLSAuthentication"),
  NetworkAuthentication: kind(LINKERD_POLICY, "NetworkAuthentication"),
  EgressNetwork: kind(LINKERD_POLICY, "EgressNetwork"),
  HTTPLocalRateLimitPolicy: kind(LINKERD_POLICY, "HTTPLocalRateLimitPolicy"),
  ExternalWorkload: kind("workload.linkerd.io", "ExternalWorkload"),
  ServiceProfile: kind("linkerd.io", "ServiceProfile"),
  TrafficSplit: kind("split.smi-spec.io", "TrafficSplit"),
} as const;

/** The kinds whose pod template makes a workload, with the path to that template. */
export const WORKLOAD_TEMPLATES: readonly { readonly kind: KindKey; readonly template: readonly string[] }[] = [
  { kind: K.Deployment, template: ["spec", "template"] },
  { kind: K.StatefulSet, template: ["spec", "template"] },
  { kind: K.DaemonSet, template: ["spec", "template"] },
  { kind: K.ReplicaSet, template: ["spec", "template"] },
  { kind: K.ReplicationController, template: ["spec", "template"] },
  { kind: K.Job, template: ["spec", "template"] },
  { kind: K.CronJob, template: ["spec", "jobTemplate", "spec", "template"] },
  { kind: K.Rollout, template: ["spec", "template"] },
  { kind: K.Pod, template: [] },
];

export const kindId = (k: KindKey): string => (k.group ? `${k.group}/${k.kind}` : k.kind);

export const sameKind = (a: KindKey, b: KindKey): boolean => a.kind === b.kind && a.group === b.group;

/** Built-in cluster-scoped kinds; a CRD in the repository can add more (see ResourceIndex). */
const CLUSTER_SCOPED = new Set(
  [
    ["", "Namespace"],
    ["", "Node"],
    ["", "PersistentVolume"],
    ["", "ComponentStatus"],
    ["rbac.authorization.k8s.io", "ClusterRole"],
    ["rbac.authorization.k8s.io", "ClusterRoleBinding"],
    ["apiextensions.k8s.io", "CustomResourceDefinition"],
    ["apiregistration.k8s.io", "APIService"],
    ["admissionregistration.k8s.io", "MutatingWebhookConfiguration"],
    ["admissionregistration.k8s.io", "ValidatingWebhookConfiguration"],
    ["admissionregistration.k8s.io", "ValidatingAdmissionPolicy"],
    ["admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"],
    ["storage.k8s.io", "StorageClass"],
    ["storage.k8s.io", "CSIDriver"],
    ["storage.k8s.io", "CSINode"],
    ["storage.k8s.io", "VolumeAttachment"],
    ["scheduling.k8s.io", "PriorityClass"],
    ["networking.k8s.io", "IngressClass"],
    ["node.k8s.io", "RuntimeClass"],
    ["certificates.k8s.io", "CertificateSigningRequest"],
    ["flowcontrol.apiserver.k8s.io", "FlowSchema"],
    ["flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"],
    [GATEWAY_API, "GatewayClass"],
  ].map(([g, k]) => `${g}/${k}`),
);

export const isBuiltinClusterScoped = (k: KindKey): boolean => CLUSTER_SCOPED.has(`${k.group}/${k.kind}`);

/** Splits `group/version` (or a bare core `version`). */
export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.lastIndexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
