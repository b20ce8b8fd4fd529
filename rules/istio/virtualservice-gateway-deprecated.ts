import { defineRule } from "../../src/engine/rule.js";
import { MESH_GATEWAY, gatewayEntries, parseGatewayReference } from "../../src/istio/gateways.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-gateway-deprecated",
    area: "istio",
    category: "deprecation",
    severity: "info",
    description: 'A VirtualService names a gateway in the legacy dotted form ("name.namespace[.svc.cluster.local]") instead of "namespace/name".',
    aliases: [{ tool: "kiali", code: "KIA1108", match: "same" }],
    messages: {
      dottedName: 'Gateway "{{gateway}}" uses the legacy dotted form; write "{{suggested}}".',
    },
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    for (const entry of gatewayEntries(vs)) {
      if (entry.written === MESH_GATEWAY || entry.written.includes("/") || !entry.written.includes(".")) continue;
      const ref = parseGatewayReference(entry.written, vs.namespace);
      if (!ref) continue;
      ctx.report({
        resource: vs,
        path: entry.path,
        messageId: "dottedName",
        data: { gateway: entry.written, suggested: `${ref.namespace}/${ref.name}` },
        help: "Istio accepts the dotted form with a warning; the namespace/name form is the documented one.",
      });
    }
  },
});
