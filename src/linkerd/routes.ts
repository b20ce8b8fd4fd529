/**
 * Routes as Linkerd's policy controller reads them: its own policy.linkerd.io HTTPRoute (whose parentRef group
 * defaults to policy.linkerd.io, not to the core group) and the Gateway API HTTPRoute, GRPCRoute, TLSRoute and
 * TCPRoute, attached to Services (outbound, GAMMA), EgressNetworks (egress) or Servers (inbound policy).
 */
import { GATEWAY_GROUP } from "../gateway-api/references.js";
import { K, type KindKey, sameKind } from "../model/kinds.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type FieldPath, type Resource, asArray, asNumber, asObject, asString, spec } from "../model/resource.js";
import { usesLinkerd } from "./evidence.js";

export const LINKERD_POLICY_GROUP = "policy.linkerd.io";

/** The route kinds Linkerd's webhook validates and its controller indexes. */
export const LINKERD_ROUTE_KINDS: readonly KindKey[] = [K.LinkerdHTTPRoute, K.HTTPRoute, K.GRPCRoute, K.TLSRoute, K.TCPRoute];

/** Precedence when routes of several kinds share a parent: the higher kind wins, the others are Conflicted. */
export const ROUTE_KIND_RANK: Readonly<Record<string, number>> = { GRPCRoute: 4, HTTPRoute: 3, TLSRoute: 2, TCPRoute: 1 };

export type LinkerdParentTarget = "service" | "server" | "egressnetwork" | "gateway" | "other";

export interface LinkerdParentRef {
  /** After the CRD default; `core` read as "". */
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  /** Whether the parentRef writes `namespace`. */
  readonly namespaceWritten: boolean;
  readonly port: number | undefined;
  readonly groupWritten: boolean;
  readonly target: LinkerdParentTarget;
  readonly path: FieldPath;
}

export const isLinkerdRoute = (route: Resource): boolean => sameKind(route, K.LinkerdHTTPRoute);

function targetOf(group: string, kind: string): LinkerdParentTarget {
  if (group === "" && kind === "Service") return "service";
  if (group === LINKERD_POLICY_GROUP && kind === "Server") return "server";
  if (group === LINKERD_POLICY_GROUP && kind === "EgressNetwork") return "egressnetwork";
  if (group === GATEWAY_GROUP && kind === "Gateway") return "gateway";
  return "other";
}

/** parentRefs with the defaults of the route's own CRD (policy.linkerd.io for Linkerd's HTTPRoute). */
export function linkerdParentRefs(route: Resource): LinkerdParentRef[] {
  const defaultGroup = isLinkerdRoute(route) ? LINKERD_POLICY_GROUP : GATEWAY_GROUP;
  return asArray(spec(route).parentRefs).flatMap((value, i) => {
    const p = asObject(value);
    const name = asString(p?.name);
    if (!p || !name) return [];
    const written = asString(p.group);
    const raw = written ?? defaultGroup;
    const group = raw === "core" ? "" : raw;
    const kind = asString(p.kind) ?? "Gateway";
    const ns = asString(p.namespace);
    return [
      {
        group,
        kind,
        name,
        namespace: ns || route.namespace,
        namespaceWritten: Boolean(ns),
        port: asNumber(p.port),
        groupWritten: written !== undefined,
        target: targetOf(group, kind),
        path: ["spec", "parentRefs", i],
      },
    ];
  });
}

/**
 * Whether Linkerd's rules apply to a route: always for Linkerd's own HTTPRoute; for a Gateway API route, when the
 * repository uses Linkerd and the route has a parent Linkerd serves (a Service, Server or EgressNetwork).
 */
export function linkerdGoverns(index: ResourceIndex, route: Resource): boolean {
  if (isLinkerdRoute(route)) return true;
  if (!usesLinkerd(index)) return false;
  return linkerdParentRefs(route).some((p) => p.target === "service" || p.target === "server" || p.target === "egressnetwork");
}

/** Findings on Linkerd's own kinds are denials; on Gateway API kinds the webhook is lenient (admits with a warning). */
export const webhookSeverity = (route: Resource): "error" | "warning" => (route.group === LINKERD_POLICY_GROUP ? "error" : "warning");
