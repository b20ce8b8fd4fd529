import { K } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, asString, asStringMap, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type Selector, selectorFromLabels } from "../model/selectors.js";
import type { Workload } from "../model/workloads.js";

/** How an Istio policy names what it applies to. */
export type PolicyTarget =
  | { readonly kind: "selector"; readonly selector: Selector; readonly path: FieldPath }
  | { readonly kind: "targetRefs"; readonly refs: readonly TargetRef[] }
  | { readonly kind: "namespace" };

export interface TargetRef {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly path: FieldPath;
}

/**
 * Reads a policy's target: `spec.selector.matchLabels` (AuthorizationPolicy, PeerAuthentication,
 * RequestAuthentication, Telemetry, WasmPlugin), `spec.workloadSelector.labels` (Sidecar, EnvoyFilter,
 * DestinationRule, ServiceEntry), `spec.selector` as a plain map (Gateway), or `targetRef`/`targetRefs`.
 * None of these: the whole namespace.
 */
export function policyTarget(policy: Resource): PolicyTarget {
  const s = spec(policy);
  const refs = [...(asObject(s.targetRef) ? [{ ref: s.targetRef, path: ["spec", "targetRef"] as FieldPath }] : []),
    ...asArray(s.targetRefs).map((ref, i) => ({ ref, path: ["spec", "targetRefs", i] as FieldPath }))]
    .flatMap(({ ref, path }) => {
      const r = asObject(ref);
      const name = asString(r?.name);
      return r && name ? [{ group: asString(r.group) ?? "", kind: asString(r.kind) ?? "", name, path }] : [];
    });
  if (refs.length) return { kind: "targetRefs", refs };
  if (policy.kind === "Gateway" && policy.group === K.Gateway.group) {
    const labels = asStringMap(s.selector);
    return labels && Object.keys(labels).length ? { kind: "selector", selector: selectorFromLabels(labels), path: ["spec", "selector"] } : { kind: "namespace" };
  }
  const matchLabels = asStringMap(asObject(s.selector)?.matchLabels);
  if (matchLabels && Object.keys(matchLabels).length) {
    return { kind: "selector", selector: selectorFromLabels(matchLabels), path: ["spec", "selector", "matchLabels"] };
  }
  const labels = asStringMap(asObject(s.workloadSelector)?.labels);
  if (labels && Object.keys(labels).length) {
    return { kind: "selector", selector: selectorFromLabels(labels), path: ["spec", "workloadSelector", "labels"] };
  }
  return { kind: "namespace" };
}

/**
 * The workloads a selector-based or namespace-wide policy applies to. In the root namespace a policy without
 * selector is mesh-wide; with `rootSelectorMeshWide` (AuthorizationPolicy, RequestAuthentication, Telemetry), a
 * root-namespace selector also selects across namespaces, as Istio does for those kinds. targetRef policies
 * (waypoints, Gateway API gateways) are not resolved here: undefined.
 */
export function policyWorkloads(
  index: ResourceIndex,
  policy: Resource,
  options: { readonly rootSelectorMeshWide?: boolean } = {},
): readonly Workload[] | undefined {
  const target = policyTarget(policy);
  const workloads = index.workloads();
  const root = policy.namespace === index.settings.rootNamespace;
  switch (target.kind) {
    case "targetRefs":
      return undefined;
    case "namespace":
      return root ? workloads.all : workloads.inNamespace(policy.namespace);
    case "selector":
      return root && options.rootSelectorMeshWide ? workloads.selectAnywhere(target.selector) : workloads.select(target.selector, policy.namespace);
  }
}
