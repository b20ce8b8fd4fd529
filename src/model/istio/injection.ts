import { labelsOf } from "../resource.js";
import type { ResourceIndex } from "../resource-index.js";
import type { Workload } from "../workloads.js";

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

/**
 * Whether a workload runs with an Istio sidecar, as istioctl's analyzers decide it: an `istio-proxy` container
 * (already injected), else the pod's `sidecar.istio.io/inject` label or annotation, else the namespace's
 * `istio-injection=enabled` (or, where `revisions` is set, an `istio.io/rev` label).
 */
export function hasSidecar(index: ResourceIndex, workload: Workload, options: { revisions?: boolean } = {}): boolean {
  if (workload.containers.some((c) => c.name === "istio-proxy")) return true;
  const explicit = workload.labels["sidecar.istio.io/inject"] ?? workload.annotations["sidecar.istio.io/inject"];
  if (explicit !== undefined) return explicit === "true";
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
