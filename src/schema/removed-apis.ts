// Built-in API versions that Kubernetes has removed (the "Deprecated API Migration Guide"): a manifest still
// written in one of them fails to apply on any supported cluster. Only removals are listed; kinds meshlint has
// no schema for are otherwise not judged.

export interface RemovedApi {
  readonly removedIn: string;
  readonly replacement: string;
}

const REMOVED: Readonly<Record<string, RemovedApi>> = {};
const table = REMOVED as Record<string, RemovedApi>;
const add = (apiVersion: string, kinds: readonly string[], removedIn: string, replacement: string) => {
  for (const kind of kinds) table[`${apiVersion} ${kind}`] = { removedIn, replacement };
};

add("extensions/v1beta1", ["Deployment", "DaemonSet", "ReplicaSet"], "1.16", "apps/v1");
add("extensions/v1beta1", ["NetworkPolicy"], "1.16", "networking.k8s.io/v1");
add("extensions/v1beta1", ["PodSecurityPolicy"], "1.16", "Pod Security Admission (no replacement kind)");
add("extensions/v1beta1", ["Ingress"], "1.22", "networking.k8s.io/v1");
for (const v of ["apps/v1beta1", "apps/v1beta2"]) {
  add(v, ["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ControllerRevision"], "1.16", "apps/v1");
}
add("networking.k8s.io/v1beta1", ["Ingress", "IngressClass"], "1.22", "networking.k8s.io/v1");
add("rbac.authorization.k8s.io/v1beta1", ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"], "1.22", "rbac.authorization.k8s.io/v1");
add("rbac.authorization.k8s.io/v1alpha1", ["Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"], "1.22", "rbac.authorization.k8s.io/v1");
add("apiextensions.k8s.io/v1beta1", ["CustomResourceDefinition"], "1.22", "apiextensions.k8s.io/v1");
add("admissionregistration.k8s.io/v1beta1", ["MutatingWebhookConfiguration", "ValidatingWebhookConfiguration"], "1.22", "admissionregistration.k8s.io/v1");
add("apiregistration.k8s.io/v1beta1", ["APIService"], "1.22", "apiregistration.k8s.io/v1");
add("certificates.k8s.io/v1beta1", ["CertificateSigningRequest"], "1.22", "certificates.k8s.io/v1");
add("coordination.k8s.io/v1beta1", ["Lease"], "1.22", "coordination.k8s.io/v1");
add("scheduling.k8s.io/v1beta1", ["PriorityClass"], "1.22", "scheduling.k8s.io/v1");
add("storage.k8s.io/v1beta1", ["CSIDriver", "CSINode", "StorageClass", "VolumeAttachment"], "1.22", "storage.k8s.io/v1");
add("storage.k8s.io/v1beta1", ["CSIStorageCapacity"], "1.27", "storage.k8s.io/v1");
add("batch/v1beta1", ["CronJob"], "1.25", "batch/v1");
add("policy/v1beta1", ["PodDisruptionBudget"], "1.25", "policy/v1");
add("policy/v1beta1", ["PodSecurityPolicy"], "1.25", "Pod Security Admission (no replacement kind)");
add("autoscaling/v2beta1", ["HorizontalPodAutoscaler"], "1.25", "autoscaling/v2");
add("autoscaling/v2beta2", ["HorizontalPodAutoscaler"], "1.26", "autoscaling/v2");
add("discovery.k8s.io/v1beta1", ["EndpointSlice"], "1.25", "discovery.k8s.io/v1");
add("events.k8s.io/v1beta1", ["Event"], "1.25", "events.k8s.io/v1");
add("node.k8s.io/v1beta1", ["RuntimeClass"], "1.25", "node.k8s.io/v1");
add("flowcontrol.apiserver.k8s.io/v1beta1", ["FlowSchema", "PriorityLevelConfiguration"], "1.26", "flowcontrol.apiserver.k8s.io/v1");
add("flowcontrol.apiserver.k8s.io/v1beta2", ["FlowSchema", "PriorityLevelConfiguration"], "1.29", "flowcontrol.apiserver.k8s.io/v1");
add("flowcontrol.apiserver.k8s.io/v1beta3", ["FlowSchema", "PriorityLevelConfiguration"], "1.32", "flowcontrol.apiserver.k8s.io/v1");

/**
 * API groups of mesh-adjacent projects that the projects themselves retired: no release still installs their CRDs,
 * so a manifest in one of them no longer applies anywhere (unless --crds says the cluster still serves it).
 */
export interface RetiredGroup {
  readonly project: string;
  readonly retiredIn: string;
  readonly replacement: string;
}

const RETIRED_GROUPS: Readonly<Record<string, RetiredGroup>> = {
  "certmanager.k8s.io": { project: "cert-manager", retiredIn: "v0.11 (2019)", replacement: "cert-manager.io/v1" },
  "authentication.istio.io": { project: "Istio", retiredIn: "1.6", replacement: "security.istio.io/v1 PeerAuthentication and RequestAuthentication" },
  "rbac.istio.io": { project: "Istio", retiredIn: "1.6", replacement: "security.istio.io/v1 AuthorizationPolicy" },
  "config.istio.io": { project: "Istio", retiredIn: "1.8 (Mixer)", replacement: "Telemetry, WasmPlugin or EnvoyFilter" },
  // Gateway API before v0.3. Not to be confused with gateway.networking.x-k8s.io, today's experimental group.
  "networking.x-k8s.io": { project: "Gateway API", retiredIn: "v0.3.0 (2021)", replacement: "gateway.networking.k8s.io/v1" },
};

export const retiredGroup = (group: string): RetiredGroup | undefined => RETIRED_GROUPS[group];

export const removedApi = (apiVersion: string, kind: string): RemovedApi | undefined => REMOVED[`${apiVersion} ${kind}`];
