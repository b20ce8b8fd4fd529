import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { egressNetworksOf, egressOverlap } from "../../src/linkerd/egress.js";
import type { Resource } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-egressnetwork-overlap",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "Two EgressNetworks in the same namespace cover overlapping networks; Linkerd marks them EgressReasonNetworkOverlap.",
    messages: {
      overlap: 'EgressNetwork "{{other}}" covers {{what}} too; Linkerd does not accept overlapping EgressNetworks.',
    },
  },
  reads: [K.EgressNetwork],
  checkAll(ctx) {
    const byNamespace = new Map<string, Resource[]>();
    for (const egress of ctx.index.all(K.EgressNetwork)) {
      const list = byNamespace.get(egress.namespace) ?? [];
      if (!list.some((e) => e.id === egress.id)) list.push(egress);
      byNamespace.set(egress.namespace, list);
    }
    for (const list of byNamespace.values()) {
      const nets = list.map((e) => ({ egress: e, networks: egressNetworksOf(e) }));
      for (const a of nets) {
        for (const b of nets) {
          if (a === b) continue;
          const hit = egressOverlap(a.networks, b.networks);
          if (!hit) continue;
          ctx.report({
            resource: a.egress,
            path: hit.path,
            messageId: "overlap",
            data: { other: b.egress.name, what: hit.what },
            help: "Give each destination network to one EgressNetwork (use except to carve out the other's networks).",
            related: [{ resource: b.egress, path: ["spec"], message: "overlapping EgressNetwork" }],
          });
        }
      }
    }
  },
});
