import { defineRule } from "../../src/engine/rule.js";
import { canonicalHost } from "../../src/istio/hosts.js";
import { isMeshBound } from "../../src/istio/gateways.js";
import { routeGroups } from "../../src/istio/routes.js";
import { K, sameKind } from "../../src/model/kinds.js";
import { type Resource, asArray, asString, spec } from "../../src/model/resource.js";
import type { ResourceIndex, Table } from "../../src/model/resource-index.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";

/**
 * Canonical host → the mesh VirtualServices for that host whose HTTP routes split its traffic by subset. Filed per
 * VirtualService, so that a change re-files only that one (a gateway route's check looks up only its hosts).
 */
function subsetSplits(index: ResourceIndex): Table<Resource> {
  return index.table("istio/mesh-subset-splits", [K.VirtualService, ...HOST_KINDS], (vs, index) => {
    if (!sameKind(K.VirtualService, vs) || !isMeshBound(vs)) return [];
    const own = new Set(asArray(spec(vs).hosts).flatMap((h) => (typeof h === "string" ? [canonicalHost(index, h, vs.namespace)] : [])));
    const split = new Set<string>();
    for (const group of routeGroups(vs)) {
      if (group.section !== "http") continue;
      for (const item of group.items) {
        const host = asString(item.destination?.host);
        if (!host || !asString(item.destination?.subset)) continue;
        const fqdn = canonicalHost(index, host, vs.namespace);
        if (own.has(fqdn)) split.add(fqdn);
      }
    }
    return [...split].map((fqdn) => [fqdn, vs] as const);
  });
}

export default defineRule({
  meta: {
    id: "virtualservice-ingress-subset-missing",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "A gateway route sends traffic to a host without a subset while the host's mesh VirtualService splits it by subset.",
    aliases: [{ tool: "istioctl", code: "IST0140", match: "same" }],
    messages: {
      subsetMissing:
        'This gateway route sends traffic to "{{host}}" without a subset, so the subset routing of VirtualService {{others}} does not apply to it.',
    },
  },
  target: [K.VirtualService],
  reads: [...HOST_KINDS],
  check(vs, ctx) {
    if (asArray(spec(vs).gateways).length === 0) return;
    const splits = subsetSplits(ctx.index);
    for (const group of routeGroups(vs)) {
      if (group.section !== "http") continue;
      for (const item of group.items) {
        const host = asString(item.destination?.host);
        if (!host || asString(item.destination?.subset)) continue;
        const others = splits.get(canonicalHost(ctx.index, host, vs.namespace)).filter((o) => o !== vs);
        if (others.length === 0) continue;
        ctx.report({
          resource: vs,
          path: [...item.path, "destination", "host"],
          messageId: "subsetMissing",
          data: { host, others: others.map((o) => `"${o.namespace}/${o.name}"`).join(", ") },
          help: "Gateways apply only their own VirtualService: repeat the subset split in this route, or bind the mesh VirtualService to the gateway too.",
          related: others.map((o) => ({ resource: o, path: ["spec", "http"], message: "splits this host by subset for sidecars" })),
        });
      }
    }
  },
});
