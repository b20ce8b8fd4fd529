import { defineRule } from "../../src/engine/rule.js";
import { MESH_GATEWAY } from "../../src/istio/gateways.js";
import { hostOverlapsOf } from "../../src/istio/virtualservice-hosts.js";
import { K } from "../../src/model/kinds.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";

export default defineRule({
  meta: {
    id: "virtualservice-host-conflict",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "Two VirtualServices bound to the mesh claim the same (or an overlapping) host where both are visible; sidecars use only one.",
    aliases: [
      { tool: "istioctl", code: "IST0109", match: "same" },
      { tool: "kiali", code: "KIA1106", match: "partial" },
    ],
    messages: {
      hostConflict: 'Host "{{host}}" is also claimed by mesh VirtualService {{others}}; sidecars apply only one of them.',
      hostOverlap: 'Host "{{host}}" overlaps host "{{otherHost}}" of mesh VirtualService {{others}}; sidecars apply only one VirtualService to a host.',
    },
  },
  target: [K.VirtualService],
  reads: [K.Sidecar, ...HOST_KINDS],
  check(vs, ctx) {
    for (const { claim, gateway, sameHost, others } of hostOverlapsOf(ctx.index, vs, "mesh")) {
      if (gateway !== MESH_GATEWAY) continue;
      ctx.report({
        resource: claim.vs,
        path: ["spec", "hosts", claim.index],
        messageId: sameHost ? "hostConflict" : "hostOverlap",
        data: { host: claim.host, otherHost: others[0]?.host ?? "", others: others.map((o) => `"${o.vs.namespace}/${o.vs.name}"`).join(", ") },
        help: sameHost
          ? "Merge the routes into one VirtualService, or narrow exportTo so that each namespace sees one."
          : "Merge the VirtualServices, or make their hosts disjoint, so that one VirtualService owns each host.",
        related: others.map((o) => ({ resource: o.vs, path: ["spec", "hosts", o.index], message: `claims "${o.host}"` })),
        ...(sameHost ? {} : { severity: "warning" as const }),
      });
    }
  },
});
