import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { SERVER_TLS_MESSAGES } from "../../src/validation/gateway.js";
import { validateSidecar } from "../../src/validation/sidecar.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  sidecarEmpty: 'A Sidecar must configure at least one of "egress", "ingress", "outboundTrafficPolicy" or "inboundConnectionPool".',
  targetPortIgnored: '"targetPort" has no effect on {{kind}} ports; Istio refuses it.',
  ...pick("portNameInvalid", "protocolUnknown", "portRange", "addressInvalid", "durationPrecision", "durationTooShort", "durationInvalid"),
  portDuplicate: 'Port {{value}} is used by more than one {{direction}} listener bound to an IP.',
  defaultEndpointInvalid: '"defaultEndpoint" "{{value}}" must be "127.0.0.1:<port>", "0.0.0.0:<port>", "[::1]:<port>", "[::]:<port>" or a "unix://" path.',
  ingressTlsNotSupported: '"tls.{{field}}" is not supported on Sidecar ingress listeners.',
  ingressTlsMode: 'TLS mode "{{value}}" cannot be used on a Sidecar ingress listener.',
  ingressTlsPort: 'An ingress listener with "tls" needs an HTTPS or TLS port, not "{{value}}".',
  ...SERVER_TLS_MESSAGES,
  poolEmpty: '"connectionPool" must set "http" and/or "tcp".',
  negative: '"{{field}}" is {{value}}; it must not be negative.',
  clientProtocolUpgrade: '"useClientProtocol" cannot be true when "h2UpgradePolicy" is "UPGRADE".',
  poolHttpOnNonHttp: 'HTTP connection pool settings for port {{port}} ("{{protocol}}") have no effect; only TCP settings apply to a non-HTTP port.',
  catchAllNotLast: 'The egress listener without a port must be the last one.',
  unixBindRequired: 'An egress listener with port 0 must bind a "unix://" socket.',
  unixCaptureMode: 'An egress listener on a unix socket needs captureMode DEFAULT or NONE, not "{{value}}".',
  unixDuplicate: 'Unix socket "{{value}}" is bound by more than one egress listener.',
  egressHostsMissing: 'An egress listener needs at least one host.',
  egressHostInvalid: 'Egress host "{{value}}" is not valid: {{reason}}.',
  egressHostDuplicate: 'Egress host "{{value}}" is already selected by an earlier host of the same listener.',
  egressAllHosts: '"*/*" selects every host, so the other hosts of this listener add nothing.',
  egressProxyMode: '"egressProxy" can only be set with outbound traffic policy mode "ALLOW_ANY".',
  egressProxyPort: '"egressProxy" needs a "port".',
  egressProxyHost: '"egressProxy.host" "{{value}}" is not a valid FQDN: {{reason}}.',
  subsetInvalid: 'Egress proxy subset "{{value}}" is not a DNS-1123 label.',
};

export default defineRule({
  meta: {
    id: "sidecar-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A Sidecar breaks Istio's webhook validation: empty config, listener ports and binds, ingress TLS, egress hosts, egress proxy.",
    aliases: webhookAliases(messages, [
      "tlsIgnored", "tlsOldNoCiphers", "cipherInvalid", "cipherDuplicate", "poolHttpOnNonHttp", "egressHostDuplicate", "egressAllHosts",
    ]),
    messages,
  },
  target: [K.Sidecar],
  reads: [],
  check(sidecar, ctx) {
    reportProblems(ctx, sidecar, validateSidecar(sidecar));
  },
});
