import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateDestinationRule } from "../../src/validation/destination-rule.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  ...pick("hostInvalid", "labelKeyInvalid", "labelValueInvalid", "portRange", "durationPrecision", "durationTooShort", "durationInvalid"),
  ...pick("exportToInvalid", "exportToDuplicate", "exportToPublicMixed"),
  subsetDuplicate: 'Subset name "{{value}}" is used more than once.',
  subsetNameInvalid: 'Subset name "{{value}}" is not a DNS-1123 label.',
  policyEmpty: '"{{field}}" sets nothing; Istio requires a traffic policy to set at least one field.',
  tunnelWithProxyProtocol: '"proxyProtocol" cannot be set together with "tunnel".',
  portPolicyPortMissing: 'A "portLevelSettings" entry needs a "port".',
  portPolicyEmpty: 'A "portLevelSettings" entry must set "outlierDetection", "connectionPool", "loadBalancer" or "tls".',
  poolEmpty: '"connectionPool" must set "http" and/or "tcp".',
  negative: '"{{field}}" is {{value}}; it must not be negative.',
  clientProtocolUpgrade: '"useClientProtocol" cannot be true when "h2UpgradePolicy" is "UPGRADE".',
  consecutiveErrorsDeprecated: '"outlierDetection.consecutiveErrors" is deprecated; use "consecutiveGatewayErrors" or "consecutive5xxErrors".',
  localOriginWithoutSplit: '"consecutiveLocalOriginFailures" needs "splitExternalLocalOriginErrors: true".',
  percentRange: '"{{field}}" is {{value}}; Istio requires a percentage from 0 to 100.',
  tlsConflict: '"{{field}}" cannot be set {{when}}.',
  tlsMissing: 'MUTUAL TLS without "credentialName" needs "{{field}}".',
  credentialNamespace: 'credentialName "{{value}}" must name a ConfigMap in the DestinationRule\'s own namespace "{{namespace}}".',
  tunnelProtocol: 'Tunnel protocol "{{value}}" is neither "CONNECT" nor "POST".',
  tunnelHost: 'Tunnel "targetHost" "{{value}}" is neither a valid FQDN nor an IP address.',
  selectorExportTo: 'A DestinationRule with a "workloadSelector" may only be exported to its own namespace "{{namespace}}".',
};

export default defineRule({
  meta: {
    id: "destinationrule-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A DestinationRule breaks Istio's webhook validation: host, subsets, traffic policies, connection pool, outlier detection, TLS, tunnel, exportTo.",
    aliases: webhookAliases(messages, ["consecutiveErrorsDeprecated"]),
    messages,
  },
  target: [K.DestinationRule],
  reads: [],
  check(dr, ctx) {
    reportProblems(ctx, dr, validateDestinationRule(dr));
  },
});
