import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateMatches } from "../../src/validation/virtual-service.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  headerNameInvalid: 'Header name "{{value}}" is not a valid HTTP header name (letters, digits, "-" and "_").',
  jwtClaimOnMesh: 'Header "{{value}}" routes on a JWT claim, which Istio only supports in VirtualServices bound to gateways only (not "mesh").',
  matchEmpty: '"{{field}}" is an empty {{kind}} match; Istio requires a non-empty value.',
  ...pick("regexInvalid", "regexTooLong", "portRange", "labelKeyInvalid", "labelValueInvalid"),
  sourceNamespaceInvalid: 'sourceNamespace "{{value}}" is not a valid namespace name.',
  gatewayInvalid: 'Gateway reference "{{value}}" is not valid: {{reason}}.',
  sniMissing: 'A TLS match needs at least one "sniHosts" entry.',
  sniHostInvalid: 'SNI host "{{value}}" is not valid: {{reason}}.',
  sniNotCovered: 'SNI host "{{value}}" is not covered by any host of the VirtualService ({{hosts}}).',
  sniIsIp: 'SNI host "{{value}}" is an IP address; SNI does not allow IP addresses and most clients never send one.',
  subnetInvalid: 'destinationSubnets entry "{{value}}" is not an IP address or CIDR block.',
};

export default defineRule({
  meta: {
    id: "virtualservice-match-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A VirtualService match condition breaks Istio's webhook validation: header names, empty or non-RE2 matches, ports, labels, SNI hosts.",
    aliases: webhookAliases(messages, ["sniIsIp"]),
    messages,
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    reportProblems(ctx, vs, validateMatches(vs));
  },
});
