import { K, type KindKey } from "../model/kinds.js";
import { type FieldPath, type Resource, annotationsOf, asObject, getPath, isLinted } from "../model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../model/resource-index.js";
import { LINKERD_DISTRIBUTIONS, type LinkerdDistribution, type Settings } from "../model/settings.js";
import type { Workload } from "../model/workloads.js";
import { opaquePortSet } from "./annotations.js";

// Whether Linkerd's proxy injector meshes a workload (pkg/inject/report.go): the pod template's `linkerd.io/inject`
// annotation, else its namespace's; `enabled` and `ingress` inject (and a distribution's own values, such as Buoyant
// Enterprise's `windows`), `disabled` and any other value do not. A pod
// that already carries a `linkerd-proxy` container is meshed; hostNetwork pods are never injected. Many
// repositories mesh with `linkerd inject` on the command line instead: when the repository says nothing, the
// answer is "unknown", and callers decide what that means.

export const INJECT_ANNOTATION = "linkerd.io/inject";
export const DEFAULT_POLICY_ANNOTATION = "config.linkerd.io/default-inbound-policy";
export const SKIP_INBOUND_ANNOTATION = "config.linkerd.io/skip-inbound-ports";
export const OPAQUE_PORTS_ANNOTATION = "config.linkerd.io/opaque-ports";

export const INJECTION_KINDS: readonly KindKey[] = [K.Namespace, ...WORKLOAD_KINDS];

export interface LinkerdMeshing {
  /** true: injected; false: not injected; undefined: the repository does not say. */
  readonly meshed: boolean | undefined;
  /** Why, in a few words (`linkerd.io/inject: enabled on namespace "emojivoto"`). */
  readonly reason: string;
  /** The resource and field that decide, when one does. */
  readonly resource: Resource | undefined;
  readonly path: FieldPath | undefined;
}

/** The `linkerd.io/inject` values open-source Linkerd's proxy injector knows (pkg/inject); any other value disables. */
export const OPEN_SOURCE_INJECT_VALUES: readonly string[] = ["enabled", "disabled", "ingress"];

/** Values a distribution's injector accepts beyond open-source Linkerd's, each meshing the pod. */
const DISTRIBUTION_INJECT_VALUES: Readonly<Record<LinkerdDistribution, readonly string[]>> = {
  "open-source": [],
  // Buoyant Enterprise for Linkerd meshes Windows workloads with its Windows proxy.
  enterprise: ["windows"],
};

/** The values beyond open-source Linkerd's that the cluster's injector accepts: its distribution's, and the settings'. */
export const extraInjectValues = (settings: Settings): readonly string[] => [
  ...DISTRIBUTION_INJECT_VALUES[settings.linkerd.distribution],
  ...settings.linkerd.injectValues,
];

/** The distributions that accept a value open-source Linkerd does not know (`windows`: enterprise). */
export const distributionsAccepting = (value: string): LinkerdDistribution[] =>
  LINKERD_DISTRIBUTIONS.filter((d) => DISTRIBUTION_INJECT_VALUES[d].includes(value));

/** Whether a `linkerd.io/inject` value meshes the pod, with the cluster's distribution and settings. */
export const injectValueMeshes = (settings: Settings, value: string | undefined): boolean =>
  value === "enabled" || value === "ingress" || (value !== undefined && extraInjectValues(settings).includes(value));

/** Whether the repository marks any namespace or pod template with `linkerd.io/inject` or runs an injected pod. */
export function repositoryUsesLinkerdInjection(index: ResourceIndex): boolean {
  return index.fact("linkerd/uses-injection", INJECTION_KINDS, (i) => {
    if (i.all(K.Namespace).some((ns) => annotationsOf(ns)[INJECT_ANNOTATION] !== undefined)) return true;
    return i.workloads().all.some((w) => w.annotations[INJECT_ANNOTATION] !== undefined || hasProxyContainer(w));
  });
}

const hasProxyContainer = (w: Workload): boolean =>
  w.containers.some((c) => c.name === "linkerd-proxy") || w.initContainers.some((c) => c.name === "linkerd-proxy");

/** How Linkerd meshes a workload, as far as the repository shows. */
export function linkerdMeshing(index: ResourceIndex, workload: Workload): LinkerdMeshing {
  const tpl = workload.templatePath;
  if (hasProxyContainer(workload)) return decided(true, "it already runs a linkerd-proxy container", workload.resource, [...tpl, "spec"]);
  if (getPath(workload.resource.data, [...tpl, "spec", "hostNetwork"]) === true) {
    return decided(false, "hostNetwork pods are never injected", workload.resource, [...tpl, "spec", "hostNetwork"]);
  }
  const own = workload.annotations[INJECT_ANNOTATION];
  if (own !== undefined && own !== "") {
    const path = [...tpl, "metadata", "annotations", INJECT_ANNOTATION];
    return decided(injectValueMeshes(index.settings, own), `${INJECT_ANNOTATION}: ${own} on the pod template`, workload.resource, path);
  }
  const ns = index.namespaces().declared(workload.namespace);
  const nsValue = ns ? annotationsOf(ns)[INJECT_ANNOTATION] : undefined;
  if (ns && nsValue !== undefined && nsValue !== "") {
    return decided(injectValueMeshes(index.settings, nsValue), `${INJECT_ANNOTATION}: ${nsValue} on namespace "${workload.namespace}"`, ns, ["metadata", "annotations", INJECT_ANNOTATION]);
  }
  if (ns && isLinted(ns) && repositoryUsesLinkerdInjection(index)) {
    return decided(false, `neither the pod template nor namespace "${workload.namespace}" sets ${INJECT_ANNOTATION}`, ns, ["metadata"]);
  }
  return { meshed: undefined, reason: `the repository does not say whether it is injected (${INJECT_ANNOTATION} is set elsewhere or \`linkerd inject\` is used)`, resource: undefined, path: undefined };
}

const decided = (meshed: boolean, reason: string, resource: Resource, path: FieldPath): LinkerdMeshing => ({ meshed, reason, resource, path });

/** A namespace's own `linkerd.io/inject`, for a pod known only by a Service selector. */
export function namespaceMeshed(index: ResourceIndex, namespace: string): boolean | undefined {
  const ns = index.namespaces().declared(namespace);
  const value = ns ? annotationsOf(ns)[INJECT_ANNOTATION] : undefined;
  return value === undefined || value === "" ? undefined : injectValueMeshes(index.settings, value);
}

/** Ports and ranges of a `config.linkerd.io/*-ports` annotation (`25,4000-4100`); invalid entries are left out. */
export const parsePortList = (value: string | undefined): ((port: number) => boolean) => opaquePortSet(value ?? "", new Map());

/**
 * A `config.linkerd.io/*` annotation as the injector applies it: the pod template's value, else its namespace's.
 * Gives the value and where it is written.
 */
export function configAnnotation(index: ResourceIndex, workload: Workload, key: string): { value: string; resource: Resource; path: FieldPath } | undefined {
  const own = workload.annotations[key];
  if (own !== undefined) return { value: own, resource: workload.resource, path: [...workload.templatePath, "metadata", "annotations", key] };
  const ns = index.namespaces().declared(workload.namespace);
  const value = ns ? asObject(asObject(ns.data.metadata)?.annotations)?.[key] : undefined;
  return ns && typeof value === "string" ? { value, resource: ns, path: ["metadata", "annotations", key] } : undefined;
}

/** Whether a container port bypasses the proxy (`config.linkerd.io/skip-inbound-ports`). */
export function skippedInbound(index: ResourceIndex, workload: Workload, port: number): { resource: Resource; path: FieldPath; value: string } | undefined {
  const a = configAnnotation(index, workload, SKIP_INBOUND_ANNOTATION);
  return a && parsePortList(a.value)(port) ? a : undefined;
}
