import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateServiceEntry } from "../../src/validation/service-entry.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  ...pick("hostInvalid", "addressInvalid", "portNameInvalid", "protocolUnknown", "labelKeyInvalid", "labelValueInvalid"),
  ...pick("exportToInvalid", "exportToDuplicate", "exportToPublicMixed", "exportToNoneMixed"),
  hostPartialWildcard: 'Host "{{value}}" is a partial wildcard; only a leading "*." is supported.',
  targetPortIgnored: '"targetPort" has no effect with resolution NONE.',
  selectorIgnored: '"workloadSelector" should not be set with resolution {{value}}.',
  addressRequired: 'The endpoint "address" is empty and no "network" is set.',
  addressUnsetWithNetwork: 'The endpoint has no "address", only network "{{value}}".',
  endpointPortUndeclared: 'Endpoint port "{{value}}" is not a port name of the ServiceEntry.',
  unixEndpointPorts: 'A unix socket endpoint needs exactly one ServiceEntry port; there are {{count}}.',
  dnsHostNotFqdn: 'Host "{{value}}" must be a fully qualified name: resolution {{resolution}} without endpoints resolves the hosts themselves.',
  multiHostTcp: 'A ServiceEntry with "addresses" and a TCP port should have one host, not {{count}}.',
  multiHostNonHttp: 'Port "{{value}}" ({{protocol}}) is neither HTTP nor TLS, so Istio cannot tell the {{count}} hosts apart; use one host or resolution NONE.',
  dynamicDnsInvalid: 'Resolution DYNAMIC_DNS: {{reason}}.',
};

export default defineRule({
  meta: {
    id: "serviceentry-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A ServiceEntry breaks Istio's webhook validation: hosts, addresses, ports, endpoints for its resolution, multi-host protocols, exportTo.",
    aliases: webhookAliases(messages, [
      "hostPartialWildcard", "targetPortIgnored", "selectorIgnored", "addressUnsetWithNetwork", "multiHostTcp",
    ]),
    messages,
  },
  target: [K.ServiceEntry],
  reads: [],
  check(se, ctx) {
    reportProblems(ctx, se, validateServiceEntry(se));
  },
});
