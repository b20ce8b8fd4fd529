import { K, type KindKey, sameKind } from "../model/kinds.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type FieldPath, type Resource, asArray, asNumber, asObject, asString, spec } from "../model/resource.js";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";

/** Gateway API kinds meshlint's shared kind table does not name (yet). */
export const ListenerSet: KindKey = Object.freeze({ group: GATEWAY_GROUP, kind: "ListenerSet" });
export const BackendTLSPolicy: KindKey = Object.freeze({ group: GATEWAY_GROUP, kind: "BackendTLSPolicy" });
/** Linkerd's egress parent and backend: Gateway API routes attach to it (Linkerd's convention). */
export const EgressNetwork: KindKey = Object.freeze({ group: "policy.linkerd.io", kind: "EgressNetwork" });

/** The route kinds of Gateway API; all share parentRefs, and rules[].backendRefs. */
export const ROUTE_KINDS: readonly KindKey[] = [K.HTTPRoute, K.GRPCRoute, K.TCPRoute, K.TLSRoute, K.UDPRoute];

/** The route kinds whose spec has `hostnames`. */
export const HOSTNAME_ROUTE_KINDS: ReadonlySet<string> = new Set(["HTTPRoute", "GRPCRoute", "TLSRoute"]);

/** What a reference points at, after defaults; `other` for kinds meshlint does not resolve (implementation-specific). */
export type RefTarget = "gateway" | "listenerset" | "service" | "egressnetwork" | "other";

interface Ref {
  /** Defaulted; the core group written as `core` (Linkerd's spelling) is read as `""`. */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly target: RefTarget;
  /** Path to the reference object. */
  readonly path: FieldPath;
}

export interface ParentRef extends Ref {
  readonly sectionName: string | undefined;
  readonly port: number | undefined;
  /** Whether `group` was written (a `kind: Service` without it names the Gateway API group). */
  readonly groupWritten: boolean;
}

export interface BackendRef extends Ref {
  readonly port: number | undefined;
  /** Defaulted to 1; mirrors have none. */
  readonly weight: number;
  /** Index of the rule it belongs to. */
  readonly rule: number;
  readonly mirror: boolean;
}

const coreGroup = (g: string): string => (g === "core" ? "" : g);

function targetOf(group: string, kind: string): RefTarget {
  if (group === GATEWAY_GROUP && kind === "Gateway") return "gateway";
  if (group === GATEWAY_GROUP && kind === "ListenerSet") return "listenerset";
  if (group === "" && kind === "Service") return "service";
  if (group === EgressNetwork.group && kind === EgressNetwork.kind) return "egressnetwork";
  return "other";
}

export const isRoute = (r: Resource): boolean => ROUTE_KINDS.some((k) => sameKind(k, r));

/** A route's parentRefs with the API's defaults: group gateway.networking.k8s.io, kind Gateway, the route's namespace. */
export function parentRefs(route: Resource): ParentRef[] {
  return asArray(spec(route).parentRefs).flatMap((value, i) => {
    const p = asObject(value);
    const name = asString(p?.name);
    if (!p || !name) return [];
    const written = asString(p.group);
    const group = coreGroup(written ?? GATEWAY_GROUP);
    const kind = asString(p.kind) ?? "Gateway";
    return [
      {
        group,
        kind,
        name,
        namespace: asString(p.namespace) || route.namespace,
        target: targetOf(group, kind),
        path: ["spec", "parentRefs", i],
        sectionName: asString(p.sectionName),
        port: asNumber(p.port),
        groupWritten: written !== undefined,
      },
    ];
  });
}

/** Whether a route attaches to a Gateway (north-south) rather than only to mesh Services or egress networks. */
export const isGatewayAttached = (route: Resource): boolean =>
  parentRefs(route).some((p) => p.target === "gateway" || p.target === "listenerset");

function backendRef(value: unknown, route: Resource, path: FieldPath, rule: number, mirror: boolean): BackendRef | undefined {
  const b = asObject(value);
  const name = asString(b?.name);
  if (!b || !name) return undefined;
  const group = coreGroup(asString(b.group) ?? "");
  const kind = asString(b.kind) ?? "Service";
  return {
    group,
    kind,
    name,
    namespace: asString(b.namespace) || route.namespace,
    target: targetOf(group, kind),
    path,
    port: asNumber(b.port),
    weight: mirror ? 0 : (asNumber(b.weight) ?? 1),
    rule,
    mirror,
  };
}

/** Mirror backends of a filter list (`requestMirror.backendRef`). */
function mirrors(filters: unknown, route: Resource, path: FieldPath, rule: number): BackendRef[] {
  return asArray(filters).flatMap((f, k) => {
    const ref = backendRef(asObject(asObject(f)?.requestMirror)?.backendRef, route, [...path, k, "requestMirror", "backendRef"], rule, true);
    return ref ? [ref] : [];
  });
}

/**
 * Every backend a route sends to, with the API's defaults (group "", kind Service, the route's namespace, weight 1):
 * `rules[].backendRefs[]`, and the request mirrors of rule and backend filters.
 */
export function backendRefs(route: Resource): BackendRef[] {
  const out: BackendRef[] = [];
  asArray(spec(route).rules).forEach((r, i) => {
    const rule = asObject(r);
    if (!rule) return;
    asArray(rule.backendRefs).forEach((b, j) => {
      const path = ["spec", "rules", i, "backendRefs", j];
      const ref = backendRef(b, route, path, i, false);
      if (ref) out.push(ref);
      out.push(...mirrors(asObject(b)?.filters, route, [...path, "filters"], i));
    });
    out.push(...mirrors(rule.filters, route, ["spec", "rules", i, "filters"], i));
  });
  return out;
}

/**
 * Whether a ReferenceGrant in the target's namespace lets objects of `from` (group, kind, namespace) refer to the
 * target. Same-namespace references need none.
 */
export function referenceGranted(
  index: ResourceIndex,
  from: { readonly group: string; readonly kind: string; readonly namespace: string },
  to: { readonly group: string; readonly kind: string; readonly namespace: string; readonly name: string },
): boolean {
  if (from.namespace === to.namespace) return true;
  return index.inNamespace(K.ReferenceGrant, to.namespace).some((grant) => {
    const s = spec(grant);
    const fromOk = asArray(s.from).some((f) => {
      const o = asObject(f);
      return o && coreGroup(asString(o.group) ?? "") === from.group && o.kind === from.kind && o.namespace === from.namespace;
    });
    if (!fromOk) return false;
    return asArray(s.to).some((t) => {
      const o = asObject(t);
      if (!o || coreGroup(asString(o.group) ?? "") !== to.group || o.kind !== to.kind) return false;
      const name = asString(o.name);
      return !name || name === to.name;
    });
  });
}

