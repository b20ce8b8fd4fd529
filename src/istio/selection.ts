import { K } from "../model/kinds.js";
import { type Resource, asObject, asStringMap, spec } from "../model/resource.js";
import { type ResourceIndex} from "../model/resource-index.js";
import { type Selector, describeSelector, matches } from "../model/selectors.js";
import type { Workload } from "../model/workloads.js";
import { type PolicyTarget, policyTarget, policyWorkloads, selectsMeshWide } from "./policy-targets.js";
import { holdsWorkloads } from "../model/evidence.js";

/** A policy whose selector selects at least one workload that another policy of the same kind also selects. */
export interface SelectorOverlap {
  readonly others: readonly Resource[];
  /** One workload both select, for the message. */
  readonly workload: Workload;
}

/**
 * Policies of one kind whose label selectors pick a common workload in their namespace (Sidecar, Telemetry: a
 * workload gets one of them, which one is undefined). `skip` leaves workloads out (e.g. ambient ones, which
 * have no sidecar to configure).
 */
export function selectorOverlaps(
  index: ResourceIndex,
  policies: readonly Resource[],
  skip: (w: Workload) => boolean = () => false,
): Map<Resource, SelectorOverlap> {
  const byWorkload = new Map<Workload, Resource[]>();
  for (const policy of policies) {
    const target = policyTarget(policy);
    if (target.kind !== "selector") continue;
    for (const w of index.workloads().select(target.selector, policy.namespace)) {
      if (skip(w)) continue;
      const list = byWorkload.get(w);
      if (list) list.push(policy);
      else byWorkload.set(w, [policy]);
    }
  }
  const out = new Map<Resource, SelectorOverlap>();
  for (const [workload, list] of byWorkload) {
    if (list.length < 2) continue;
    for (const policy of list) {
      if (!out.has(policy)) out.set(policy, { others: list.filter((p) => p !== policy), workload });
    }
  }
  return out;
}

/** Policies without selector or targetRefs, grouped by namespace: each applies to its whole namespace. */
export function namespaceWidePolicies(policies: readonly Resource[]): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const policy of policies) {
    if (policyTarget(policy).kind !== "namespace") continue;
    const list = out.get(policy.namespace);
    if (list) list.push(policy);
    else out.set(policy.namespace, [policy]);
  }
  return out;
}

/** `"a/b", "c/d"`, for messages naming other objects. */
export const quotedNames = (resources: readonly Resource[]): string =>
  resources.map((r) => `"${r.namespace}/${r.name}"`).join(", ");

/** `Deployment "shop/reviews-v1"`, for messages naming a workload. */
export const workloadName = (w: Workload): string => `${w.resource.kind} "${w.resource.namespace}/${w.resource.name}"`;

/** The selector of a selector-based policy as `app=reviews,version=v2`, or "" for any other policy. */
export function selectorText(policy: Resource): string {
  const target = policyTarget(policy);
  return target.kind === "selector" ? describeSelector(target.selector) : "";
}

/**
 * The Gateway API Gateway whose generated pods a selector matches. Istio deploys a Gateway (or a waypoint) as a
 * Deployment the repository does not hold, labelled `gateway.networking.k8s.io/gateway-name: <name>` plus the
 * Gateway's `spec.infrastructure.labels`; policies written before targetRefs select those pods by label.
 * `namespace` undefined: any namespace (root-namespace policies).
 */
export function generatedGatewayMatch(index: ResourceIndex, selector: Selector, namespace: string | undefined): Resource | undefined {
  const gateways = namespace === undefined ? index.all(K.KubernetesGateway) : index.inNamespace(K.KubernetesGateway, namespace);
  return gateways.find((gw) => {
    const infrastructure = asStringMap(asObject(spec(gw).infrastructure)?.labels) ?? {};
    const labels = { ...infrastructure, "gateway.networking.k8s.io/gateway-name": gw.name, "istio.io/gateway-name": gw.name };
    return matches(selector, labels);
  });
}

/**
 * The target of a selector policy whose selector picks no workload where it applies, or undefined. Judged only when
 * the repository holds workloads of its own; pods Istio generates for a Gateway API Gateway count as picked, though
 * no file holds them. Where the selector applies follows the policy's kind (selectsMeshWide).
 */
export function selectorMatchingNothing(index: ResourceIndex, policy: Resource): Extract<PolicyTarget, { kind: "selector" }> | undefined {
  const target = policyTarget(policy);
  if (target.kind !== "selector" || !holdsWorkloads(index)) return undefined;
  if (policyWorkloads(index, policy)?.length) return undefined;
  if (generatedGatewayMatch(index, target.selector, selectsMeshWide(index, policy) ? undefined : policy.namespace)) return undefined;
  return target;
}
