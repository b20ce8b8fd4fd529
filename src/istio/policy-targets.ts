import { K, type KindKey, kindId, sameKind } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, asString, asStringMap, compareResources, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type Selector, matches, selectorFromLabels } from "../model/selectors.js";
import { serviceNamed, workloadsBehind } from "../model/services.js";
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

/** A pod as policies see it: its namespace and labels. */
export interface PodRef {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
}

// Resources are frozen, so a policy's target never changes; the mTLS and authorization models ask for it per pod.
const targets = new WeakMap<Resource, PolicyTarget>();

/**
 * Reads a policy's target: `spec.selector.matchLabels` (AuthorizationPolicy, PeerAuthentication,
 * RequestAuthentication, Telemetry, WasmPlugin), `spec.workloadSelector.labels` (Sidecar, EnvoyFilter,
 * DestinationRule, ServiceEntry), `spec.selector` as a plain map (Gateway), or `targetRef`/`targetRefs`.
 * None of these: the whole namespace.
 */
export function policyTarget(policy: Resource): PolicyTarget {
  let target = targets.get(policy);
  if (!target) targets.set(policy, (target = readTarget(policy)));
  return target;
}

function readTarget(policy: Resource): PolicyTarget {
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
 * Kinds whose selector, in the root namespace, selects workloads of every namespace, as Istio applies them. A
 * root-namespace policy of another kind (PeerAuthentication, Sidecar) selects only there; without a selector, any
 * root-namespace policy is mesh-wide.
 */
const ROOT_SELECTOR_MESH_WIDE: readonly KindKey[] = [K.AuthorizationPolicy, K.RequestAuthentication, K.Telemetry];

/** Whether a policy's selector applies in every namespace (a root-namespace policy of a mesh-wide kind). */
export const selectsMeshWide = (index: ResourceIndex, policy: Resource): boolean =>
  policy.namespace === index.settings.rootNamespace && ROOT_SELECTOR_MESH_WIDE.some((k) => sameKind(k, policy));

/**
 * Whether a policy applies to a pod, as Istio attaches policies of its kind: one without selector to its namespace
 * (in the root namespace: to the mesh); one with a selector to the matching pods of its namespace (in the root
 * namespace, for the kinds above, of every namespace); one with targetRefs naming a Gateway API Gateway to that
 * gateway's pods in its namespace (label `gateway.networking.k8s.io/gateway-name`). targetRefs to a Service,
 * ServiceEntry or GatewayClass attach to waypoints, which meshlint does not model.
 */
export function policyAppliesTo(index: ResourceIndex, policy: Resource, pod: PodRef): boolean {
  const root = index.settings.rootNamespace;
  const own = policy.namespace === pod.namespace;
  const target = policyTarget(policy);
  switch (target.kind) {
    case "namespace":
      return own || policy.namespace === root;
    case "selector":
      return (own || selectsMeshWide(index, policy)) && matches(target.selector, pod.labels);
    case "targetRefs":
      return own && target.refs.some((r) => r.kind === "Gateway" && r.group === K.KubernetesGateway.group && pod.labels[GATEWAY_NAME_LABEL] === r.name);
  }
}

const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

/** The policies of a kind that apply to a pod (see policyAppliesTo): those of its namespace, then the root namespace's. */
export function policiesApplyingTo(index: ResourceIndex, kind: KindKey, pod: PodRef): Resource[] {
  const root = index.settings.rootNamespace;
  const namespaces = pod.namespace === root ? [root] : [pod.namespace, root];
  const table = policiesBySlot(index, kind);
  const slots = ["*", ...Object.entries(pod.labels).map(([k, v]) => `${k}=${v}`)];
  return namespaces.flatMap((ns) => {
    const found = new Set(slots.flatMap((slot) => table.get(`${ns}\u0000${slot}`)));
    return [...found].sort(compareResources).filter((p) => policyAppliesTo(index, p, pod));
  });
}

/**
 * A kind's policies by namespace and one label their selector requires (`ns\0app=reviews`); namespace-wide and
 * targetRef policies under `ns\0*`. A pod looks up its own labels only, so a policy change re-runs the checks of
 * the pods that carry its label, not of every pod in its namespace.
 */
function policiesBySlot(index: ResourceIndex, kind: KindKey) {
  return index.table(`istio/policies-by-slot ${kindId(kind)}`, [kind], (policy) => {
    const target = policyTarget(policy);
    const required = target.kind === "selector" && !target.selector.expressions.length ? Object.entries(target.selector.matchLabels).sort() : [];
    const slot = required.length ? `${required[0]![0]}=${required[0]![1]}` : "*";
    return [[`${policy.namespace}\u0000${slot}`, policy] as const];
  });
}

/**
 * The workloads a selector-based or namespace-wide policy applies to: the workloads policyAppliesTo accepts, found
 * through the workload table. targetRef policies (gateways, waypoints) are not resolved here: undefined.
 */
export function policyWorkloads(index: ResourceIndex, policy: Resource): readonly Workload[] | undefined {
  const target = policyTarget(policy);
  const workloads = index.workloads();
  switch (target.kind) {
    case "targetRefs":
      return undefined;
    case "namespace":
      return policy.namespace === index.settings.rootNamespace ? workloads.all : workloads.inNamespace(policy.namespace);
    case "selector":
      return selectsMeshWide(index, policy) ? workloads.selectAnywhere(target.selector) : workloads.select(target.selector, policy.namespace);
  }
}

/**
 * The workloads behind a policy's `targetRefs` to Services of its namespace (those the Service's selector selects):
 * what a waypoint enforces the policy for. Other targets (Gateways, ServiceEntries) are not resolved here.
 */
export function serviceTargetWorkloads(index: ResourceIndex, policy: Resource): readonly Workload[] {
  const target = policyTarget(policy);
  if (target.kind !== "targetRefs") return [];
  return target.refs.flatMap((ref) => {
    if (ref.kind !== "Service" || (ref.group !== "" && ref.group !== "core")) return [];
    const service = serviceNamed(index, policy.namespace, ref.name);
    return service ? workloadsBehind(index, service) : [];
  });
}
