import { addTo } from "../base/multimap.js";
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

/**
 * VirtualServices applied by the same proxies (the mesh's sidecars, or one gateway) that claim the same host, or
 * hosts a wildcard makes overlap. For the mesh, only where their exportTo scopes overlap and the host is imported
 * there (Sidecar egress hosts). A VirtualService naming one host twice does not overlap itself. Built once per run.
 */
export function virtualServiceHostOverlaps(index: ResourceIndex): readonly HostOverlap[] {
  return index.memo("istio/virtualservice-host-overlaps", [K.VirtualService, K.Sidecar, ...HOST_KINDS], () => {
    const byGateway = new Map<string, HostClaim[]>();
    for (const vs of index.all(K.VirtualService)) {
      const scope = virtualServiceScope(vs, index.settings);
      const seen = new Set<string>();
      const claims: HostClaim[] = [];
      asArray(spec(vs).hosts).forEach((h, i) => {
        if (typeof h !== "string" || !h) return;
        const host = canonicalHost(index, h, vs.namespace);
        if (!seen.has(host)) claims.push({ vs, host, index: i, scope });
        seen.add(host);
      });
      for (const key of gatewayKeys(vs)) {
        const list = byGateway.get(key);
        if (list) for (const c of claims) list.push(c);
        else byGateway.set(key, [...claims]);
      }
    }
    const found = new Map<string, { claim: HostClaim; gateway: string; sameHost: boolean; others: HostClaim[]; seen: Set<Resource> }>();
    const note = (claim: HostClaim, other: HostClaim, gateway: string) => {
      if (gateway === MESH_GATEWAY) {
        if (!scopesOverlap(claim.scope, other.scope)) return;
        const host = claim.host.startsWith("*") ? other.host : claim.host;
        const owner = resolveHost(index, host, claim.vs.namespace).entries[0]?.resource.namespace ?? namespaceOfFqdn(index, host);
        if (!importedSomewhere(index, intersectScopes(claim.scope, other.scope), owner, host)) return;
      }
      const sameHost = claim.host === other.host;
      const key = `${claim.vs.id}|${claim.index}|${gateway}|${sameHost}`;
      let entry = found.get(key);
      if (!entry) found.set(key, (entry = { claim, gateway, sameHost, others: [], seen: new Set() }));
      if (entry.seen.has(other.vs)) return;
      entry.seen.add(other.vs);
      entry.others.push(other);
    };
    for (const [gateway, claims] of byGateway) {
      const exact = new Map<string, HostClaim[]>();
      for (const c of claims) if (!c.host.startsWith("*")) addTo(exact, c.host, c);
      for (const group of exact.values()) for (const a of group) for (const b of group) if (a.vs !== b.vs) note(a, b, gateway);
      // Wildcards by the text after their "*": a host meets a wildcard when that text ends it, so each claim looks up
      // its own endings of the lengths some wildcard has, instead of being compared with every wildcard.
      const wildcards = new Map<string, HostClaim[]>();
      for (const c of claims) if (c.host.startsWith("*")) addTo(wildcards, c.host.slice(1), c);
      const lengths = [...new Set([...wildcards.keys()].map((k) => k.length))];
      for (const c of claims) {
        const wild = c.host.startsWith("*");
        const text = wild ? c.host.slice(1) : c.host;
        for (const length of lengths) {
          // A host must be longer than the wildcard's text (`*.a.com` does not match `.a.com`); a wildcard may end in it.
          if (wild ? length > text.length : length >= text.length) continue;
          for (const w of wildcards.get(text.slice(text.length - length)) ?? []) {
            if (w === c || w.vs === c.vs) continue;
            note(w, c, gateway);
            note(c, w, gateway);
          }
        }
      }
    }
    return [...found.values()].map(({ claim, gateway, sameHost, others }) => ({ claim, gateway, sameHost, others }));
  });
}
