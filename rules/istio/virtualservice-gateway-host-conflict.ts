import { defineRule } from "../../src/engine/rule.js";
import { MESH_GATEWAY } from "../../src/istio/gateways.js";
import { hostOverlapsOf } from "../../src/istio/virtualservice-hosts.js";
import { K } from "../../src/model/kinds.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";

export default defineRule({
  meta: {
    id: "virtualservice-gateway-host-conflict",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "Two VirtualServices bound to the same gateway claim the same (or an overlapping) host; the gateway merges their routes in no defined order.",
    aliases: [{ tool: "kiali", code: "KIA1106", match: "partial" }],
    messages: {
      gatewayHostConflict: 'Host "{{host}}" is also claimed by VirtualService {{others}} on gateway "{{gateway}}"; their routes are merged in no defined order.',
    },
  },
  target: [K.VirtualService],
  reads: [K.Sidecar, ...HOST_KINDS],
  check(vs, ctx) {
    for (const { claim, gateway, others } of hostOverlapsOf(ctx.index, vs, "gateways")) {
      if (gateway === MESH_GATEWAY) continue;
      ctx.report({
        resource: claim.vs,
        path: ["spec", "hosts", claim.index],
        messageId: "gatewayHostConflict",
        data: { host: claim.host, gateway, others: others.map((o) => `"${o.vs.namespace}/${o.vs.name}"`).join(", ") },
        help: "Keep one VirtualService per gateway host, or make sure their matches are disjoint.",
        related: others.map((o) => ({ resource: o.vs, path: ["spec", "hosts", o.index], message: `claims "${o.host}"` })),
      });
    }
  },
});
