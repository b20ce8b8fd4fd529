import { defineRule } from "../../src/engine/rule.js";
import { qualifyHost } from "../../src/model/hosts.js";
import { scopesOverlap, virtualServiceScope } from "../../src/model/istio/export-to.js";
import { isMeshBound } from "../../src/model/istio/gateways.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asArray, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "virtualservice-host-conflict",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "Two VirtualServices bound to the mesh claim the same host where both are visible; sidecars use only one.",
    aliases: [
      { tool: "istioctl", code: "IST0109", match: "same" },
      { tool: "kiali", code: "KIA1106", match: "partial" },
    ],
    messages: {
      hostConflict: 'Host "{{host}}" is also claimed by mesh VirtualService {{others}}; sidecars apply only one of them.',
    },
  },
  reads: [K.VirtualService],
  checkAll(ctx) {
    const { clusterDomain } = ctx.settings;
    // host -> the mesh-bound VirtualServices claiming it, with where each writes it (a VirtualService listing
    // one host twice, e.g. short and FQDN form, does not conflict with itself).
    const claims = new Map<string, Map<Resource, number>>();
    for (const vs of ctx.index.all(K.VirtualService)) {
      if (!isMeshBound(vs)) continue;
      asArray(spec(vs).hosts).forEach((h, i) => {
        if (typeof h !== "string" || !h) return;
        const host = qualifyHost(h, vs.namespace, clusterDomain);
        let byVs = claims.get(host);
        if (!byVs) claims.set(host, (byVs = new Map()));
        if (!byVs.has(vs)) byVs.set(vs, i);
      });
    }
    for (const [host, byVs] of claims) {
      if (byVs.size < 2) continue;
      const entries = [...byVs];
      const scopes = new Map(entries.map(([vs]) => [vs, virtualServiceScope(vs, ctx.settings)]));
      for (const [vs, index] of entries) {
        const others = entries
          .map(([other]) => other)
          .filter((other) => other !== vs && scopesOverlap(scopes.get(vs)!, scopes.get(other)!));
        if (others.length === 0) continue;
        ctx.report({
          resource: vs,
          path: ["spec", "hosts", index],
          messageId: "hostConflict",
          data: { host, others: others.map((o) => `"${o.namespace}/${o.name}"`).join(", ") },
          help: "Merge the routes into one VirtualService, or narrow exportTo so that each namespace sees one.",
          related: others.map((o) => ({ resource: o, path: ["spec", "hosts"], message: `also claims "${host}"` })),
        });
      }
    }
  },
});
