import { K } from "../model/kinds.js";
import { type Resource, asArray, asObject, labelsOf, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { Workload } from "../model/workloads.js";
import { namespaceInAmbientMode } from "./injection.js";
import { policyTarget } from "./policy-targets.js";

const USE_WAYPOINT = "istio.io/use-waypoint";

/** Enrolled with a waypoint: the object's own `istio.io/use-waypoint` label decides, else its namespace's (`none` opts out). */
export function waypointEnrolled(own: Readonly<Record<string, string>> | undefined, namespace: Readonly<Record<string, string>>): boolean {
  const value = own?.[USE_WAYPOINT] ?? namespace[USE_WAYPOINT];
  return value !== undefined && value !== "" && value !== "none";
}

/** A waypoint proxy's own pods (Istio labels the Deployments it generates for waypoint Gateways). */
export const isWaypointWorkload = (w: Workload): boolean => w.labels["gateway.istio.io/managed"] === "istio.io-mesh-controller";

const L7_CONDITIONS = ["request.headers", "request.auth.claims", "request.auth.principal", "request.auth.audiences", "request.auth.presenter"];

/**
 * Whether an AuthorizationPolicy needs a waypoint to be enforced in ambient mode, as Kiali classifies it: a rule
 * with an L7 `when` key, HTTP methods, paths or hosts, or request principals.
 */
export function isL7AuthorizationPolicy(policy: Resource): boolean {
  return asArray(spec(policy).rules).some((r) => {
    const rule = asObject(r);
    const when = asArray(rule?.when).some((w) => {
      const key = asObject(w)?.key;
      return typeof key === "string" && L7_CONDITIONS.some((p) => key.startsWith(p));
    });
    const to = asArray(rule?.to).some((t) => {
      const op = asObject(asObject(t)?.operation);
      return ["methods", "paths", "hosts"].some((f) => asArray(op?.[f]).length > 0);
    });
    const from = asArray(rule?.from).some((f) => asArray(asObject(asObject(f)?.source)?.requestPrincipals).length > 0);
    return when || to || from;
  });
}

/** How an L7 policy in an ambient namespace reaches (or fails to reach) a waypoint; undefined outside ambient namespaces. */
export interface AmbientAttachment {
  /** Attached by selector (or to the whole namespace) instead of targetRefs: waypoints ignore it. */
  readonly withoutTargetRefs: boolean;
  /** Some of what it targets is not enrolled with a waypoint (`istio.io/use-waypoint`), so no waypoint enforces it. */
  readonly notEnrolled: boolean;
}

export function ambientAttachment(index: ResourceIndex, policy: Resource): AmbientAttachment | undefined {
  if (!namespaceInAmbientMode(index, policy.namespace)) return undefined;
  const ns = index.namespaces().declared(policy.namespace);
  const nsLabels = ns ? labelsOf(ns) : {};
  const target = policyTarget(policy);
  if (target.kind === "targetRefs") {
    // A Gateway (the waypoint itself, or an ingress gateway) is enforced by that gateway; a Service by its waypoint.
    const notEnrolled = target.refs.some((ref) => {
      if (ref.kind === "Gateway" || ref.kind === "GatewayClass") return false;
      const kind = ref.kind === "ServiceEntry" ? K.ServiceEntry : K.Service;
      const svc = index.get(kind, policy.namespace, ref.name);
      return !waypointEnrolled(svc ? labelsOf(svc) : undefined, nsLabels);
    });
    return { withoutTargetRefs: false, notEnrolled };
  }
  const selected =
    target.kind === "selector" ? index.workloads().select(target.selector, policy.namespace).filter((w) => !isWaypointWorkload(w)) : [];
  const notEnrolled = selected.length
    ? selected.some((w) => !waypointEnrolled(w.labels, nsLabels))
    : !waypointEnrolled(undefined, nsLabels);
  return { withoutTargetRefs: true, notEnrolled };
}

/** What keeps an L7 policy from a waypoint, with the fix for each; empty when it reaches one (or is not in ambient). */
export function ambientAttachmentProblems(index: ResourceIndex, policy: Resource): { readonly messageId: "withoutTargetRefs" | "notEnrolled"; readonly help: string }[] {
  const attachment = ambientAttachment(index, policy);
  if (!attachment) return [];
  return [
    ...(attachment.withoutTargetRefs ? [{ messageId: "withoutTargetRefs" as const, help: 'Attach the policy to the Service or waypoint with "targetRefs" instead of a selector.' }] : []),
    ...(attachment.notEnrolled ? [{ messageId: "notEnrolled" as const, help: 'Label the namespace or Service with "istio.io/use-waypoint: <waypoint>" and deploy that waypoint.' }] : []),
  ];
}
