import { hostsIntersect } from "../model/hostnames.js";
import { K } from "../model/kinds.js";
import { type Resource, asArray, spec } from "../model/resource.js";
import { type ResourceIndex } from "../model/resource-index.js";
import { HOST_KINDS, canonicalHost, namespaceOfFqdn, resolveHost } from "./hosts.js";
import { type ExportScope, intersectScopes, scopesOverlap, virtualServiceScope } from "./export-to.js";
import { MESH_GATEWAY, parseGatewayReference } from "./gateways.js";
import { importedSomewhere } from "./sidecar-imports.js";

/** One host a VirtualService claims (canonical FQDN, or a wildcard), with the index of its `hosts` entry. */
export interface HostClaim {
  readonly vs: Resource;
  readonly host: string;
  readonly index: number;
  readonly scope: ExportScope;
}

/** A host entry of one VirtualService that other VirtualServices on the same gateway (or the mesh) also claim. */
export interface HostOverlap {
  readonly claim: HostClaim;
  /** `mesh`, or the gateway as `namespace/name`. */
  readonly gateway: string;
  /** True when the others claim the same host; false when one of the hosts is a wildcard covering the other. */
  readonly sameHost: boolean;
  readonly others: readonly HostClaim[];
}

/** `mesh` for VirtualServices that sidecars use (no gateways, or `mesh` listed); `namespace/name` for each gateway. */
export function gatewayKeys(vs: Resource): string[] {
  const gateways = asArray(spec(vs).gateways).filter((g): g is string => typeof g === "string");
  if (gateways.length === 0) return [MESH_GATEWAY];
  return [
    ...new Set(
      gateways.map((g) => {
        const ref = parseGatewayReference(g, vs.namespace);
        return ref ? `${ref.namespace}/${ref.name}` : g;
      }),
    ),
  ];
}

/** The hosts a VirtualService claims, canonical, each once (a VirtualService naming one host twice does not overlap itself). */
function claimsOf(index: ResourceIndex, vs: Resource): HostClaim[] {
  const scope = virtualServiceScope(vs, index.settings);
  const seen = new Set<string>();
  const claims: HostClaim[] = [];
  asArray(spec(vs).hosts).forEach((h, i) => {
    if (typeof h !== "string" || !h) return;
    const host = canonicalHost(index, h, vs.namespace);
    if (!seen.has(host)) claims.push({ vs, host, index: i, scope });
    seen.add(host);
  });
  return claims;
}

/**
 * Every VirtualService's claims, filed per gateway (`mesh` for sidecars): by exact host (`g\0=host`), wildcards
 * together (`g\0*`), and all of a gateway's claims (`g\0all`, which only a wildcard claim needs to compare with).
 * Fed per VirtualService, so a change re-files that one and re-runs only the checks that looked at its hosts.
 */
function claimTable(index: ResourceIndex) {
  return index.table<HostClaim>("istio/virtualservice-claims", [K.VirtualService, K.Sidecar, ...HOST_KINDS], (vs, index) => {
    if (vs.kind !== "VirtualService" || vs.group !== K.VirtualService.group) return [];
    const claims = claimsOf(index, vs);
    // Its own claims too, so that checking it does not resolve its hosts again.
    const own = claims.map((c) => [ownKey(vs), c] as const);
    return [...own, ...gatewayKeys(vs).flatMap((g) => claims.flatMap((c) => slotsOf(c.host).map((slot) => [`${g}\u0000${slot}`, c] as const)))];
  });
}

const ownKey = (vs: Resource): string => `#${vs.id}`;

// How claims are filed, so that a claim meets only the claims it overlaps (never every other claim: a VirtualService
// may list thousands of hosts). A wildcard `*.a.com` covers a host exactly when its text after the `*` (`.a.com`)
// ends that host (for two wildcards: ends the other's text); such an ending starts at a dot, so each claim is filed
// under the endings of its text that start at a dot.
//   `=host`   an exact host
//   `*text`   a wildcard, by its text (`*` alone: the empty text)
//   `~end`    every claim whose text ends in `end` at a dot (`a.b.com`: `~.b.com`, `~.com`, `~`), a wildcard also
//             under its own text: what a wildcard with the text `end` covers
//   `?`       wildcards whose text does not start with a dot (`*b.com`, which Istio refuses): compared one by one

/** The text a claim is matched by: a wildcard's text after `*`, an exact host as it is. */
const textOf = (host: string): string => (host.startsWith("*") ? host.slice(1) : host);

/** The endings of a text that start at a dot, longest first, then the empty ending. */
function dotEndings(text: string): string[] {
  const out: string[] = [];
  for (let i = text.indexOf("."); i >= 0; i = text.indexOf(".", i + 1)) out.push(text.slice(i));
  out.push("");
  return out;
}

const isOddWildcard = (host: string): boolean => host.startsWith("*") && host.length > 1 && host[1] !== ".";

function slotsOf(host: string): string[] {
  const text = textOf(host);
  const wild = host.startsWith("*");
  // An exact host is not covered by a wildcard of its own text (`*.a.com` does not name `.a.com`).
  const covered = dotEndings(text).filter((e) => wild || e !== text);
  return [wild ? (isOddWildcard(host) ? "?" : `*${text}`) : `=${host}`, ...covered.map((e) => `~${e}`)];
}

/**
 * The host entries of one VirtualService that other VirtualServices applied by the same proxies also claim, or that
 * a wildcard makes overlap: the mesh's sidecars, or each of its gateways (`proxies` says which are asked about). For
 * the mesh, only where their exportTo scopes overlap and the host is imported there (Sidecar egress hosts).
 */
export function hostOverlapsOf(index: ResourceIndex, vs: Resource, proxies: "mesh" | "gateways"): readonly HostOverlap[] {
  const table = claimTable(index);
  const claims = table.get(ownKey(vs));
  const found = new Map<string, { claim: HostClaim; gateway: string; sameHost: boolean; others: HostClaim[]; seen: Set<Resource> }>();
  const note = (claim: HostClaim, other: HostClaim, gateway: string) => {
    if (other.vs === vs) return;
    if (gateway === MESH_GATEWAY) {
      if (!scopesOverlap(claim.scope, other.scope)) return;
      const host = claim.host.startsWith("*") ? other.host : claim.host;
      const owner = resolveHost(index, host, claim.vs.namespace).entries[0]?.resource.namespace ?? namespaceOfFqdn(index, host);
      if (!importedSomewhere(index, intersectScopes(claim.scope, other.scope), owner, host)) return;
    }
    const sameHost = claim.host === other.host;
    const key = `${claim.index}|${gateway}|${sameHost}`;
    let entry = found.get(key);
    if (!entry) found.set(key, (entry = { claim, gateway, sameHost, others: [], seen: new Set() }));
    if (entry.seen.has(other.vs)) return;
    entry.seen.add(other.vs);
    entry.others.push(other);
  };
  for (const gateway of gatewayKeys(vs)) {
    if ((gateway === MESH_GATEWAY) !== (proxies === "mesh")) continue;
    const at = (slot: string) => table.get(`${gateway}\u0000${slot}`);
    for (const claim of claims) {
      const text = textOf(claim.host);
      const wild = claim.host.startsWith("*");
      const odd = (other: HostClaim) => hostsIntersect(claim.host, other.host) && note(claim, other, gateway);
      if (isOddWildcard(claim.host)) {
        // Rare (Istio refuses it) and not filed by dots: compared with every claim of the gateway.
        for (const other of at("~")) odd(other);
        for (const other of at("?")) odd(other);
        continue;
      }
      if (!wild) for (const other of at(`=${claim.host}`)) note(claim, other, gateway);
      // The wildcards covering this claim: those whose text is one of its dot endings (a wildcard's own text included).
      for (const ending of dotEndings(text)) if (wild || ending !== text) for (const other of at(`*${ending}`)) note(claim, other, gateway);
      // And what a wildcard covers.
      if (wild) for (const other of at(`~${text}`)) note(claim, other, gateway);
      for (const other of at("?")) odd(other);
    }
  }
  return [...found.values()].map(({ claim, gateway, sameHost, others }) => ({ claim, gateway, sameHost, others }));
}
