import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { SERVER_TLS_MESSAGES, validateGateway } from "../../src/validation/gateway.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  gatewayNameInvalid: 'Gateway name "{{value}}" is not a DNS-1123 label; Istio refuses Gateway names with dots.',
  serversMissing: 'A Gateway needs at least one server.',
  hostsMissing: 'A server needs at least one host.',
  serverHostInvalid: 'Server host "{{value}}" is not valid: {{reason}}.',
  ...pick("protocolUnknown", "portRange", "addressInvalid"),
  targetPortIgnored: '"targetPort" has no effect on {{kind}} ports; Istio refuses it.',
  portNameMissing: 'A server port needs a non-empty "name".',
  portNameDuplicate: 'Port name "{{value}}" is used by more than one server; Istio requires unique names.',
  unixPortNonZero: 'A server bound to a unix domain socket must use port number 0.',
  tlsRequired: 'A {{protocol}} server needs "tls" settings.',
  tlsOnHttp: 'A plain HTTP server may only carry "tls.httpsRedirect", not other TLS settings.',
  tlsOnPlain: 'A {{protocol}} server cannot carry "tls" settings.',
  httpsRedirectNonHttp: '"tls.httpsRedirect" only has an effect on HTTP servers.',
  ...SERVER_TLS_MESSAGES,
};

export default defineRule({
  meta: {
    id: "gateway-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "An Istio Gateway breaks the webhook's validation: a name with dots, servers, hosts, ports, bind addresses, TLS settings.",
    aliases: webhookAliases(messages, ["tlsIgnored", "tlsOldNoCiphers", "cipherInvalid", "cipherDuplicate", "httpsRedirectNonHttp"]),
    messages,
  },
  target: [K.Gateway],
  reads: [],
  check(gw, ctx) {
    reportProblems(ctx, gw, validateGateway(gw));
  },
});
