import { K, type KindKey } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, asString, labelsOf, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type Selector, matches, selectorFromLabelSelector } from "../model/selectors.js";
import { type LinkerdServer, SERVER_KINDS, serversInNamespace } from "./servers.js";
import { addTo } from "../base/multimap.js";
import { type Prefix, formatPrefix, prefixContainsPrefix } from "../base/go/net.js";
import { DEFAULT_CLUSTER_NETWORKS } from "./egress.js";
import { parseNetwork } from "./policy-validation.js";

// Linkerd's inbound authorization objects: AuthorizationPolicy (targetRef + requiredAuthenticationRefs),
// ServerAuthorization (deprecated; selects Servers by name or by label), MeshTLSAuthentication (identities or
// identityRefs) and NetworkAuthentication (CIDRs). Semantics from the policy controller
// (k8s/index/src/inbound/authorization_policy.rs, server_authorization.rs) and the CRD descriptions: an
// AuthorizationPolicy one of whose authentications is missing is ignored as a whole.

const POLICY = "policy.linkerd.io";
const GATEWAY = "gateway.networking.k8s.io";

export const AUTHORIZATION_KINDS: readonly KindKey[] = [
  K.LinkerdAuthorizationPolicy,
  K.LinkerdServerAuthorization,
  K.MeshTLSAuthentication,
  K.NetworkAuthentication,
  K.ServiceAccount,
  K.LinkerdHTTPRoute,
  K.HTTPRoute,
  K.GRPCRoute,
  ...SERVER_KINDS,
];

/** The identity trust domain and control-plane namespace of a default installation. */
export const TRUST_DOMAIN = "cluster.local";
export const CONTROL_PLANE_NAMESPACE = "linkerd";

/** A meshed pod's TLS identity: `<sa>.<ns>.serviceaccount.identity.linkerd.cluster.local`. */
export const identityOf = (namespace: string, serviceAccount: string): string =>
  `${serviceAccount}.${namespace}.serviceaccount.identity.${CONTROL_PLANE_NAMESPACE}.${TRUST_DOMAIN}`;

/** Splits a service-account identity into its parts; undefined for other names (wildcards, SPIFFE ids). */
export function parseIdentity(identity: string): { serviceAccount: string; namespace: string; controlPlane: string; trustDomain: string } | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.serviceaccount\.identity\.([a-z0-9-]+)\.(.+)$/.exec(identity);
  return m?.[1] && m[3] && m[5] && m[6] ? { serviceAccount: m[1], namespace: m[3], controlPlane: m[5], trustDomain: m[6] } : undefined;
}

/** Whether an `identities` entry (exact, `*`, or `*.suffix`) matches an identity. */
export function identityMatches(pattern: string, identity: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*.")) return identity.endsWith(pattern.slice(1));
  return pattern === identity;
}

// ---------------------------------------------------------------------------------------------------------------
// References

export interface Ref {
  readonly group: string | undefined;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly path: FieldPath;
}

function refAt(owner: Resource, value: unknown, path: FieldPath): Ref | undefined {
  const o = asObject(value);
  const kind = asString(o?.kind);
  const name = asString(o?.name);
  if (!o || !kind || name === undefined) return undefined;
  return { group: asString(o.group), kind, name, namespace: asString(o.namespace) ?? owner.namespace, path };
}

export const policyTargetRef = (ap: Resource): Ref | undefined => refAt(ap, spec(ap).targetRef, ["spec", "targetRef"]);

export const authenticationRefs = (ap: Resource): Ref[] =>
  asArray(spec(ap).requiredAuthenticationRefs).flatMap((v, i) => refAt(ap, v, ["spec", "requiredAuthenticationRefs", i]) ?? []);

export type PolicyTarget =
  | { readonly kind: "Server"; readonly server: Resource | undefined }
  | { readonly kind: "Namespace"; readonly namespace: string; readonly exists: boolean }
  | { readonly kind: "route"; readonly route: Resource | undefined; readonly routeKinds: readonly KindKey[] }
  | { readonly kind: "unsupported" };

/** What an AuthorizationPolicy's `targetRef` names, looked up in the index. */
export function resolvePolicyTarget(index: ResourceIndex, ref: Ref): PolicyTarget {
  const group = ref.group ?? "";
  if (ref.kind === "Server" && (group === POLICY || group === "")) return { kind: "Server", server: index.get(K.LinkerdServer, ref.namespace, ref.name) };
  if (ref.kind === "Namespace" && (group === "" || group === "core")) return { kind: "Namespace", namespace: ref.name, exists: index.namespaces().exists(ref.name) };
  const routeKinds = routeKindsFor(ref.kind, group);
  if (routeKinds.length) {
    const route = routeKinds.map((k) => index.get(k, ref.namespace, ref.name)).find((r) => r !== undefined);
    return { kind: "route", route, routeKinds };
  }
  return { kind: "unsupported" };
}

function routeKindsFor(kind: string, group: string): KindKey[] {
  if (kind === "HTTPRoute") return group === POLICY ? [K.LinkerdHTTPRoute] : group === GATEWAY ? [K.HTTPRoute] : group === "" ? [K.LinkerdHTTPRoute, K.HTTPRoute] : [];
  if (kind === "GRPCRoute") return group === GATEWAY || group === "" ? [K.GRPCRoute] : [];
  return [];
}

/** The parentRefs of a route. */
export function routeParents(route: Resource): Ref[] {
  return asArray(spec(route).parentRefs).flatMap((v, i) => {
    const o = asObject(v);
    const name = asString(o?.name);
    if (!o || name === undefined) return [];
    // policy.linkerd.io HTTPRoutes default the parent group to policy.linkerd.io; Gateway API routes to the Gateway API group.
    const group = asString(o.group) ?? (route.group === POLICY ? POLICY : GATEWAY);
    return [{ group, kind: asString(o.kind) ?? "Gateway", name, namespace: asString(o.namespace) ?? route.namespace, path: ["spec", "parentRefs", i] }];
  });
}

const isServerParent = (p: Ref): boolean => p.kind === "Server" && p.group === POLICY;
const isServiceParent = (p: Ref): boolean => p.kind === "Service" && (p.group === "" || p.group === "core");

/** Servers (in the route's namespace) that a route is attached to. */
export const routeServers = (index: ResourceIndex, route: Resource): Resource[] =>
  routeParents(route).flatMap((p) => (isServerParent(p) && p.namespace === route.namespace ? (index.get(K.LinkerdServer, p.namespace, p.name) ?? []) : []));

/** An outbound route: it has parents, all of them Services and none a Server. */
export function isOutboundRoute(route: Resource): boolean {
  const parents = routeParents(route);
  return parents.length > 0 && parents.every(isServiceParent);
}

/** Whether a route (of any of the kinds Linkerd reads) is attached to a Server. */
export function routesOfServer(index: ResourceIndex, server: Resource): Resource[] {
  const table = index.memo("linkerd/routes-by-server", [K.LinkerdHTTPRoute, K.HTTPRoute, K.GRPCRoute], () => {
    const map = new Map<string, Resource[]>();
    for (const kind of [K.LinkerdHTTPRoute, K.HTTPRoute, K.GRPCRoute]) {
      for (const route of index.all(kind)) {
        for (const p of routeParents(route)) {
          if (!isServerParent(p) || p.namespace !== route.namespace) continue;
          const key = `${p.namespace}/${p.name}`;
          addTo(map, key, route);
        }
      }
    }
    return map;
  });
  return table.get(`${server.namespace}/${server.name}`) ?? [];
}

/** Whether a service account exists: declared, used by a workload, or a namespace's `default`. */
export function serviceAccountExists(index: ResourceIndex, namespace: string, name: string): boolean {
  if (index.get(K.ServiceAccount, namespace, name)) return true;
  if (name === "default" && index.namespaces().exists(namespace)) return true;
  return index.workloads().inNamespace(namespace).some((w) => w.serviceAccount === name);
}

/** Resolves a `requiredAuthenticationRefs` entry or an `identityRefs` ServiceAccount; undefined when missing. */
export function resolveAuthentication(index: ResourceIndex, ref: Ref): Resource | "exists" | undefined {
  switch (ref.kind) {
    case "MeshTLSAuthentication":
      return index.get(K.MeshTLSAuthentication, ref.namespace, ref.name);
    case "NetworkAuthentication":
      return index.get(K.NetworkAuthentication, ref.namespace, ref.name);
    case "ServiceAccount":
      return index.get(K.ServiceAccount, ref.namespace, ref.name) ?? (serviceAccountExists(index, ref.namespace, ref.name) ? "exists" : undefined);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// ServerAuthorization

export interface ServerAuthorizationServers {
  readonly by: "name" | "selector" | undefined;
  readonly name: string | undefined;
  readonly selector: Selector | undefined;
  readonly path: FieldPath;
  readonly servers: readonly LinkerdServer[];
}

/** The Servers a ServerAuthorization applies to: `server.name`, or the Servers whose labels `server.selector` matches. */
export function serverAuthorizationServers(index: ResourceIndex, sa: Resource): ServerAuthorizationServers {
  const server = asObject(spec(sa).server) ?? {};
  const name = asString(server.name);
  const all = serversInNamespace(index, sa.namespace);
  if (name !== undefined) return { by: "name", name, selector: undefined, path: ["spec", "server", "name"], servers: all.filter((s) => s.resource.name === name) };
  if (asObject(server.selector)) {
    const selector = selectorFromLabelSelector(server.selector);
    return { by: "selector", name: undefined, selector, path: ["spec", "server", "selector"], servers: all.filter((s) => matches(selector, labelsOf(s.resource))) };
  }
  return { by: undefined, name: undefined, selector: undefined, path: ["spec", "server"], servers: [] };
}

// ---------------------------------------------------------------------------------------------------------------
// Evaluation for one caller

export interface Caller {
  readonly namespace: string;
  readonly serviceAccount: string;
  /** Whether the caller's proxy presents a mesh identity. */
  readonly meshed: boolean;
}

export interface Verdict {
  readonly allowed: boolean;
  /** The resource and field that decide (the matching identity, or the field that failed). */
  readonly resource: Resource;
  readonly path: FieldPath;
  readonly why: string;
  readonly notes: readonly string[];
}

const NETWORK_NOTE = `Callers in the repository are taken to run inside the cluster networks (${DEFAULT_CLUSTER_NETWORKS.map(formatPrefix).join(", ")}); meshlint cannot know pod addresses.`;

/** Evaluates an AuthorizationPolicy for a caller: every required authentication must hold; a missing one voids the policy. */
export function evaluateAuthorizationPolicy(index: ResourceIndex, ap: Resource, caller: Caller): Verdict {
  const refs = authenticationRefs(ap);
  const notes: string[] = [];
  for (const ref of refs) {
    const found = resolveAuthentication(index, ref);
    if (!found) return { allowed: false, resource: ap, path: ref.path, why: `it is ignored: its ${ref.kind} "${ref.name}" does not exist`, notes };
  }
  if (refs.length === 0) return { allowed: true, resource: ap, path: ["spec", "requiredAuthenticationRefs"], why: "it requires no authentication", notes };
  let decisive: Verdict | undefined;
  for (const ref of refs) {
    const found = resolveAuthentication(index, ref);
    if (ref.kind === "ServiceAccount") {
      const ok = caller.meshed && caller.namespace === ref.namespace && caller.serviceAccount === ref.name;
      if (!ok) return { allowed: false, resource: ap, path: ref.path, why: caller.meshed ? `it requires service account ${ref.namespace}/${ref.name}` : "it requires a meshed caller", notes };
      continue;
    }
    if (typeof found !== "object") continue;
    const v = ref.kind === "MeshTLSAuthentication" ? evaluateMeshTLS(found, caller) : evaluateNetworks(found, ["spec", "networks"], asArray(spec(found).networks));
    notes.push(...v.notes);
    if (!v.allowed) return { ...v, notes };
    // A mesh identity says more about the caller than a network does.
    if (!decisive || ref.kind === "MeshTLSAuthentication") decisive = v;
  }
  if (decisive) return { ...decisive, notes };
  return { allowed: true, resource: ap, path: ["spec", "requiredAuthenticationRefs"], why: "the caller satisfies all its required authentications", notes };
}

function evaluateMeshTLS(authn: Resource, caller: Caller): Verdict {
  const s = spec(authn);
  const notes: string[] = [];
  if (!caller.meshed) return { allowed: false, resource: authn, path: ["spec"], why: `MeshTLSAuthentication ${authn.namespace}/${authn.name} requires a meshed caller, and the caller has no Linkerd proxy`, notes };
  const identity = identityOf(caller.namespace, caller.serviceAccount);
  const identities = asArray(s.identities);
  for (const [i, v] of identities.entries()) {
    const pattern = asString(v);
    if (pattern && identityMatches(pattern, identity)) return { allowed: true, resource: authn, path: ["spec", "identities", i], why: `identity "${pattern}" of MeshTLSAuthentication ${authn.namespace}/${authn.name} matches "${identity}"`, notes };
    if (pattern?.startsWith("spiffe://")) notes.push(`SPIFFE identity "${pattern}" names a workload outside Kubernetes; meshlint matches no in-repository caller with it.`);
  }
  for (const [i, v] of asArray(s.identityRefs).entries()) {
    const o = asObject(v);
    const kind = asString(o?.kind);
    const name = asString(o?.name);
    if (kind === "ServiceAccount" && name === caller.serviceAccount && (asString(o?.namespace) ?? authn.namespace) === caller.namespace) {
      return { allowed: true, resource: authn, path: ["spec", "identityRefs", i], why: `identityRefs names service account ${caller.namespace}/${caller.serviceAccount} in MeshTLSAuthentication ${authn.namespace}/${authn.name}`, notes };
    }
    if (kind === "Namespace" && (name === caller.namespace || name === "*")) {
      return { allowed: true, resource: authn, path: ["spec", "identityRefs", i], why: `identityRefs names namespace "${name}" in MeshTLSAuthentication ${authn.namespace}/${authn.name}`, notes };
    }
  }
  const path = identities.length ? ["spec", "identities"] : ["spec", "identityRefs"];
  return { allowed: false, resource: authn, path, why: `MeshTLSAuthentication ${authn.namespace}/${authn.name} does not list the caller's identity "${identity}"`, notes };
}

/** Networks (`[{cidr, except}]`) that admit in-repository callers: those that include some cluster network. */
function evaluateNetworks(owner: Resource, path: FieldPath, networks: readonly unknown[]): Verdict {
  for (const [i, v] of networks.entries()) {
    const o = asObject(v);
    const cidr = asString(o?.cidr);
    if (!cidr) continue;
    const except = asArray(o?.except).flatMap((e) => asString(e) ?? asString(asObject(e)?.cidr) ?? []);
    const reach = clusterCoverage(cidr, except);
    if (reach !== "none") {
      const notes = [NETWORK_NOTE, ...(reach === "some" ? [`Network ${cidr} covers only part of the cluster networks: the caller is assumed to be inside it.`] : [])];
      return { allowed: true, resource: owner, path: [...path, i, "cidr"], why: `network ${cidr} of ${owner.kind} ${owner.namespace}/${owner.name} includes the cluster networks`, notes };
    }
  }
  return { allowed: false, resource: owner, path, why: `no network of ${owner.kind} ${owner.namespace}/${owner.name} includes the cluster networks`, notes: [NETWORK_NOTE] };
}

/** Evaluates a ServerAuthorization's `client` for a caller. */
export function evaluateServerAuthorization(sa: Resource, caller: Caller): Verdict {
  const client = asObject(spec(sa).client) ?? {};
  const networks = asArray(client.networks);
  const notes: string[] = [];
  if (networks.length) {
    const v = evaluateNetworks(sa, ["spec", "client", "networks"], networks);
    notes.push(...v.notes);
    if (!v.allowed) return v;
  }
  if (client.unauthenticated === true) return { allowed: true, resource: sa, path: ["spec", "client", "unauthenticated"], why: "it admits unauthenticated clients", notes };
  const mesh = asObject(client.meshTLS);
  if (!mesh) return { allowed: false, resource: sa, path: ["spec", "client"], why: "it names no client", notes };
  if (!caller.meshed) return { allowed: false, resource: sa, path: ["spec", "client", "meshTLS"], why: "it requires a meshed caller, and the caller has no Linkerd proxy", notes };
  if (mesh.unauthenticatedTLS === true) return { allowed: true, resource: sa, path: ["spec", "client", "meshTLS", "unauthenticatedTLS"], why: "it admits any TLS client", notes };
  const identity = identityOf(caller.namespace, caller.serviceAccount);
  for (const [i, v] of asArray(mesh.identities).entries()) {
    const pattern = asString(v);
    if (pattern && identityMatches(pattern, identity)) return { allowed: true, resource: sa, path: ["spec", "client", "meshTLS", "identities", i], why: `identity "${pattern}" matches "${identity}"`, notes };
  }
  for (const [i, v] of asArray(mesh.serviceAccounts).entries()) {
    const o = asObject(v);
    if (asString(o?.name) === caller.serviceAccount && (asString(o?.namespace) ?? sa.namespace) === caller.namespace) {
      return { allowed: true, resource: sa, path: ["spec", "client", "meshTLS", "serviceAccounts", i], why: `it names service account ${caller.namespace}/${caller.serviceAccount}`, notes };
    }
  }
  return { allowed: false, resource: sa, path: ["spec", "client", "meshTLS"], why: `its meshTLS clients do not include "${identity}"`, notes };
}

/** How much of the cluster networks a network (minus its exceptions) covers: all of one, some, or none. */
export function clusterCoverage(cidr: string, except: readonly string[] = []): "all" | "some" | "none" {
  const net = parseNetwork(cidr.trim());
  if (!net) return "none";
  const holes = except.map((e) => parseNetwork(e.trim())).filter((e): e is Prefix => e !== undefined);
  let result: "all" | "some" | "none" = "none";
  for (const c of DEFAULT_CLUSTER_NETWORKS) {
    if (prefixContainsPrefix(net, c)) {
      if (holes.some((h) => prefixContainsPrefix(h, c))) continue;
      if (holes.some((h) => prefixContainsPrefix(c, h))) result = "some";
      else return "all";
    } else if (prefixContainsPrefix(c, net) && !holes.some((h) => prefixContainsPrefix(h, net))) result = "some";
  }
  return result;
}

