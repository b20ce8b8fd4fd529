import { K } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, labelsOf, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { Workload } from "../model/workloads.js";
import { resolveHost } from "./hosts.js";
import { namespaceInAmbientMode, workloadInAmbient } from "./injection.js";
import { policyTarget } from "./policy-targets.js";

// What Istio's ambient data plane needs from configuration that only a waypoint applies (HTTP routing, HTTP-level
// traffic policy, L7 authorization, Wasm, L7 telemetry): the configuration must reach a waypoint, i.e. attach by
// targetRefs (waypoints ignore selectors) to something enrolled with one (`istio.io/use-waypoint`), and a
// VirtualService or DestinationRule must live in the namespace of the Service it configures. Kiali checks these from
// labels (KIA0109/0110, KIA0210-0212, KIA1109-1117); so does meshlint.

export const USE_WAYPOINT = "istio.io/use-waypoint";
export const USE_WAYPOINT_NAMESPACE = "istio.io/use-waypoint-namespace";

/** Enrolled with a waypoint: the object's own `istio.io/use-waypoint` label decides, else its namespace's (`none` opts out). */
export function waypointEnrolled(own: Readonly<Record<string, string>> | undefined, namespace: Readonly<Record<string, string>>): boolean {
  const value = own?.[USE_WAYPOINT] ?? namespace[USE_WAYPOINT];
  return value !== undefined && value !== "" && value !== "none";
}

/** A waypoint proxy's own pods (Istio labels the Deployments it generates for waypoint Gateways). */
export const isWaypointWorkload = (w: Workload): boolean => w.labels["gateway.istio.io/managed"] === "istio.io-mesh-controller";

/** Labels of a namespace as the repository declares it (none when it does not). */
export function declaredNamespaceLabels(index: ResourceIndex, namespace: string): Readonly<Record<string, string>> {
  const ns = index.namespaces().declared(namespace);
  return ns ? labelsOf(ns) : {};
}

const L7_CONDITIONS = ["request.headers", "request.auth.claims", "request.auth.principal", "request.auth.audiences", "request.auth.presenter"];
const nonEmpty = (o: Readonly<Record<string, unknown>> | undefined, fields: readonly string[]): boolean =>
  fields.some((f) => asArray(o?.[f]).length > 0);

/**
 * Whether an AuthorizationPolicy needs a waypoint to be enforced in ambient mode, as Kiali classifies it: a rule
 * with an L7 `when` key, HTTP methods, paths or hosts (or their `not` forms), or request principals.
 */
export function isL7AuthorizationPolicy(policy: Resource): boolean {
  return asArray(spec(policy).rules).some((r) => {
    const rule = asObject(r);
    const when = asArray(rule?.when).some((w) => {
      const key = asObject(w)?.key;
      return typeof key === "string" && L7_CONDITIONS.some((p) => key.startsWith(p));
    });
    const to = asArray(rule?.to).some((t) => nonEmpty(asObject(asObject(t)?.operation), ["methods", "notMethods", "paths", "notPaths", "hosts", "notHosts"]));
    const from = asArray(rule?.from).some((f) => nonEmpty(asObject(asObject(f)?.source), ["requestPrincipals", "notRequestPrincipals"]));
    return when || to || from;
  });
}

/** HTTP-level settings of a traffic policy: consistent hashing on a header or cookie, HTTP connection pool, outlier detection. */
function httpTrafficPolicy(value: unknown): boolean {
  const policy = asObject(value);
  if (!policy) return false;
  const hash = asObject(asObject(policy.loadBalancer)?.consistentHash);
  return (
    hash?.httpHeaderName !== undefined ||
    hash?.httpCookie !== undefined ||
    asObject(policy.connectionPool)?.http !== undefined ||
    policy.outlierDetection !== undefined
  );
}

/** A DestinationRule whose top-level or subset traffic policy needs a waypoint (Kiali's classification). */
export const isL7DestinationRule = (dr: Resource): boolean =>
  httpTrafficPolicy(spec(dr).trafficPolicy) || asArray(spec(dr).subsets).some((s) => httpTrafficPolicy(asObject(s)?.trafficPolicy));

/** A VirtualService with HTTP or TLS routes for mesh traffic (no gateways, or `mesh` among them). */
export function isL7VirtualService(vs: Resource): boolean {
  const s = spec(vs);
  if (!nonEmpty(s, ["http", "tls"])) return false;
  const gateways = asArray(s.gateways);
  return gateways.length === 0 || gateways.includes("mesh");
}

/** A Telemetry that configures tracing, access logging or metric overrides (L4 metrics need no waypoint). */
export const isL7Telemetry = (telemetry: Resource): boolean =>
  nonEmpty(spec(telemetry), ["tracing", "accessLogging"]) ||
  asArray(spec(telemetry).metrics).some((m) => asArray(asObject(m)?.overrides).length > 0);

/** How an L7 policy in an ambient namespace reaches (or fails to reach) a waypoint; undefined outside ambient namespaces. */
export interface AmbientAttachment {
  /** Attached by selector (or to the whole namespace) instead of targetRefs: waypoints ignore it. */
  readonly withoutTargetRefs: boolean;
  /** Some of what it targets is not enrolled with a waypoint (`istio.io/use-waypoint`), so no waypoint enforces it. */
  readonly notEnrolled: boolean;
}

/**
 * How a policy (AuthorizationPolicy, RequestAuthentication, WasmPlugin, Telemetry) in an ambient namespace reaches a
 * waypoint. targetRefs to Services are judged by the Service's enrollment; a selector by that of the workloads it
 * selects that run in ambient mode (waypoints and workloads opted out with `istio.io/dataplane-mode: none`, or with a
 * sidecar, are left out: they need no waypoint); a selector matching none of those, or no selector, by the namespace's.
 */
export function ambientAttachment(index: ResourceIndex, policy: Resource): AmbientAttachment | undefined {
  if (!namespaceInAmbientMode(index, policy.namespace)) return undefined;
  const nsLabels = declaredNamespaceLabels(index, policy.namespace);
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
  const selected = target.kind === "selector" ? index.workloads().select(target.selector, policy.namespace).filter((w) => !isWaypointWorkload(w)) : [];
  const ambient = selected.filter((w) => workloadInAmbient(index, w));
  const notEnrolled = ambient.length
    ? ambient.some((w) => !waypointEnrolled(w.labels, nsLabels))
    : selected.length === 0 && !waypointEnrolled(undefined, nsLabels);
  return { withoutTargetRefs: true, notEnrolled };
}

/** What keeps an L7 policy from a waypoint, with the fix for each; empty when it reaches one (or is not in ambient). */
export function ambientAttachmentProblems(index: ResourceIndex, policy: Resource): { readonly messageId: "withoutTargetRefs" | "notEnrolled"; readonly help: string }[] {
  const attachment = ambientAttachment(index, policy);
  if (!attachment) return [];
  return [
    ...(attachment.withoutTargetRefs ? [{ messageId: "withoutTargetRefs" as const, help: 'Attach it to the Service or waypoint with "targetRefs" instead of a selector.' }] : []),
    ...(attachment.notEnrolled ? [{ messageId: "notEnrolled" as const, help: `Label the namespace or Service with "${USE_WAYPOINT}: <waypoint>" and deploy that waypoint.` }] : []),
  ];
}

/** Why a VirtualService's or DestinationRule's host is out of a waypoint's reach. */
export interface AmbientHostProblem {
  readonly messageId: "otherNamespace" | "serviceNotEnrolled" | "namespaceNotEnrolled";
  readonly path: FieldPath;
  readonly host: string;
  /** The ambient Service the host names (`namespace/name`); the object's namespace for namespaceNotEnrolled. */
  readonly service: string;
  readonly namespace: string;
}

/**
 * Checks hosts of an L7 VirtualService or DestinationRule against the waypoints that would apply them, as Kiali does:
 * a host naming a Service of an ambient namespace must be configured from that namespace, and the Service must be
 * enrolled with a waypoint. When no host names such a Service, the object's own namespace decides: in an ambient
 * namespace that is not enrolled, no waypoint applies it.
 */
export function ambientHostProblems(index: ResourceIndex, resource: Resource, hosts: readonly { readonly host: string; readonly path: FieldPath }[]): AmbientHostProblem[] {
  const out: AmbientHostProblem[] = [];
  const seen = new Set<string>();
  let resolved = false;
  for (const { host, path } of hosts) {
    if (!host || host === "*") continue;
    const found = resolveHost(index, host, resource.namespace);
    for (const entry of [...found.entries, ...found.hidden]) {
      const svc = entry.resource;
      if (svc.kind !== "Service" || svc.group !== "" || !namespaceInAmbientMode(index, svc.namespace)) continue;
      resolved = true;
      const key = `${svc.namespace}/${svc.name}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const base = { path, host, service: key, namespace: svc.namespace };
      if (svc.namespace !== resource.namespace) out.push({ messageId: "otherNamespace", ...base });
      if (!waypointEnrolled(labelsOf(svc), declaredNamespaceLabels(index, svc.namespace))) out.push({ messageId: "serviceNotEnrolled", ...base });
    }
  }
  const first = hosts[0];
  if (!resolved && first && namespaceInAmbientMode(index, resource.namespace) && !waypointEnrolled(undefined, declaredNamespaceLabels(index, resource.namespace))) {
    out.push({ messageId: "namespaceNotEnrolled", path: first.path, host: first.host, service: "", namespace: resource.namespace });
  }
  return out;
}
