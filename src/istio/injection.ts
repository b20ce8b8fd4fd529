import { type JsonObject, asObject, asString, isObject, labelsOf } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { Workload } from "../model/workloads.js";
import { declaresNamespace } from "../model/evidence.js";

export interface NamespaceDataplane {
  /** `istio-injection` label: true for enabled, false for disabled, undefined when absent. */
  readonly injectionLabel: boolean | undefined;
  /** `istio.io/rev` label (revision-based injection). */
  readonly revision: string | undefined;
  /** `istio.io/dataplane-mode=ambient`. */
  readonly ambient: boolean;
}

/** How a namespace asks for a data plane, read from its declared Namespace object (none: nothing asked). */
export function namespaceDataplane(index: ResourceIndex, namespace: string): NamespaceDataplane {
  const ns = index.namespaces().declared(namespace);
  const labels = ns ? labelsOf(ns) : {};
  const injection = labels["istio-injection"];
  return {
    injectionLabel: injection === "enabled" ? true : injection === "disabled" ? false : undefined,
    revision: labels["istio.io/rev"],
    ambient: labels["istio.io/dataplane-mode"] === "ambient",
  };
}

/** The pod label (or, the older form, annotation) a pod opts in or out of sidecar injection with. */
export const SIDECAR_INJECT = "sidecar.istio.io/inject";

/**
 * What a pod's own `sidecar.istio.io/inject` says, as Istio's injector reads it: the label if present, else the
 * annotation; only "true" and "false" count, and any other value (`"ture"`, `"yes"`) leaves the decision to the
 * namespace, as if nothing were written.
 */
export function podInjectChoice(labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>): boolean | undefined {
  const value = labels[SIDECAR_INJECT] ?? annotations[SIDECAR_INJECT];
  return value === "true" ? true : value === "false" ? false : undefined;
}

/**
 * Whether a workload runs with an Istio sidecar, as istioctl's analyzers decide it: an `istio-proxy` container
 * (already injected), else the pod's `sidecar.istio.io/inject` label or annotation, else the namespace's
 * `istio-injection=enabled` (or, where `revisions` is set, an `istio.io/rev` label).
 */
export function hasSidecar(index: ResourceIndex, workload: Workload, options: { revisions?: boolean } = {}): boolean {
  if (workload.containers.some((c) => c.name === "istio-proxy")) return true;
  const explicit = podInjectChoice(workload.labels, workload.annotations);
  if (explicit !== undefined) return explicit;
  const ns = namespaceDataplane(index, workload.namespace);
  if (ns.injectionLabel !== undefined) return ns.injectionLabel;
  return options.revisions === true && ns.revision !== undefined;
}

/** Ambient mode: the pod's `istio.io/dataplane-mode` label, else its namespace's, unless the pod opts out. */
export function isAmbient(index: ResourceIndex, workload: Workload): boolean {
  const own = workload.labels["istio.io/dataplane-mode"];
  if (own !== undefined) return own === "ambient";
  if (workload.annotations["ambient.istio.io/redirection"] === "enabled") return true;
  return namespaceDataplane(index, workload.namespace).ambient;
}

/** In the mesh: with a sidecar or in ambient mode. */
export const inMesh = (index: ResourceIndex, workload: Workload, options: { revisions?: boolean } = {}): boolean =>
  hasSidecar(index, workload, options) || isAmbient(index, workload);

/**
 * A namespace in ambient mode as Istio's analyzers read it: `istio.io/dataplane-mode=ambient`, unless the namespace
 * also asks for sidecars (`istio-injection=enabled` or an `istio.io/rev` label), which then win.
 */
export function namespaceInAmbientMode(index: ResourceIndex, namespace: string): boolean {
  const ns = namespaceDataplane(index, namespace);
  return ns.ambient && ns.injectionLabel !== true && !ns.revision;
}

/**
 * Whether ztunnel captures a workload's pods (ambient), from what a manifest can show: a pod with a sidecar
 * (an `istio-proxy` container, or `sidecar.istio.io/inject: "true"`) is not ambient; else the pod's
 * `istio.io/dataplane-mode` label decides (`none` opts out), then the `ambient.istio.io/redirection` annotation
 * a running pod carries, then the namespace (see namespaceInAmbientMode).
 */
export function workloadInAmbient(index: ResourceIndex, workload: Workload): boolean {
  if (workload.containers.some((c) => c.name === "istio-proxy") || workload.initContainers.some((c) => c.name === "istio-proxy")) {
    return false;
  }
  if (podInjectChoice(workload.labels, workload.annotations) === true) return false;
  const own = workload.labels["istio.io/dataplane-mode"];
  if (own !== undefined) return own === "ambient";
  if (workload.annotations["ambient.istio.io/redirection"] === "enabled") return true;
  return namespaceInAmbientMode(index, workload.namespace);
}

/**
 * In the mesh as far as the repository can tell: with a sidecar (revision labels count) or in ambient mode, or
 * undecided, which counts as in the mesh: the namespace is not declared in the repository (its labels are set
 * elsewhere) and the pod template does not opt out with `sidecar.istio.io/inject: "false"`.
 */
export function mayBeInMesh(index: ResourceIndex, workload: Workload): boolean {
  if (hasSidecar(index, workload, { revisions: true }) || workloadInAmbient(index, workload)) return true;
  return podInjectChoice(workload.labels, workload.annotations) === undefined && !declaresNamespace(index, workload.namespace);
}

/** Name of the injector ConfigMap of a control-plane revision (`istio-sidecar-injector[-<rev>]`). */
export const injectorConfigMapName = (revision: string | undefined): string =>
  !revision || revision === "default" ? "istio-sidecar-injector" : `istio-sidecar-injector-${revision}`;

/**
 * Whether the webhooks of a standard Istio installation inject a pod with these labels in a namespace with these
 * labels: `sidecar.istio.io/inject=false` on the pod opts out; `istio-injection=enabled` (or, without an
 * `istio-injection` label, any `istio.io/rev`) on the namespace opts in; otherwise the pod's own
 * `sidecar.istio.io/inject=true` or `istio.io/rev` label does.
 */
export function defaultWebhooksInject(
  namespaceLabels: Readonly<Record<string, string>>,
  podLabels: Readonly<Record<string, string>>,
): boolean {
  if (podLabels["sidecar.istio.io/inject"] === "false") return false;
  const injection = namespaceLabels["istio-injection"];
  if (injection !== undefined) return injection === "enabled";
  if (namespaceLabels["istio.io/rev"] !== undefined) return true;
  return podLabels["sidecar.istio.io/inject"] === "true" || podLabels["istio.io/rev"] !== undefined;
}

/** Whether a Pod manifest is a copy of a running pod (it has a status or server-set metadata) rather than a request. */
export function isRunningPod(resource: { readonly data: JsonObject }): boolean {
  const meta = asObject(resource.data.metadata) ?? {};
  return isObject(resource.data.status) || asString(meta.uid) !== undefined || asString(meta.creationTimestamp) !== undefined;
}

