import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateVirtualService } from "../../src/validation/virtual-service.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  noRoutes: 'The VirtualService has none of "http", "tcp" or "tls"; Istio requires at least one.',
  delegateField: 'A VirtualService without "hosts" is a delegate and may not set "{{field}}".',
  ...pick("hostInvalid", "portRange", "exportToInvalid", "exportToDuplicate", "exportToPublicMixed"),
  wildcardMeshHost: 'Host "*" is not allowed in a VirtualService that applies to the mesh (no "gateways", or "mesh" listed).',
  hostDuplicate: 'Host "{{b}}" overlaps host "{{a}}" of the same VirtualService; Istio requires distinct hosts.',
  gatewayInvalid: 'Gateway reference "{{value}}" is not valid: {{reason}}.',
  tlsMatchMissing: 'A TLS route needs at least one "match" condition.',
  routeMissing: 'A {{section}} route needs at least one "route" destination.',
  destinationHostInvalid: 'Destination host "{{value}}" is not valid: {{reason}}.',
  subsetInvalid: 'Subset "{{value}}" is not a DNS-1123 label, so it can never name a DestinationRule subset.',
};

export default defineRule({
  meta: {
    id: "virtualservice-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A VirtualService breaks Istio's webhook validation: no routes, delegate restrictions, hosts, gateway names, destinations, exportTo.",
    aliases: webhookAliases(messages),
    messages,
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    reportProblems(ctx, vs, validateVirtualService(vs));
  },
});
