import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { ACCESS_POLICIES, PROXY_PROTOCOLS } from "../../src/linkerd/policy-validation.js";
import { asString, spec } from "../../src/model/resource.js";

const list = (values: readonly string[]): string => values.map((v) => `"${v}"`).join(", ");

export default defineRule({
  meta: {
    id: "linkerd-server-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A Linkerd Server has an accessPolicy, proxyProtocol or port that the CRD schema admits but Linkerd's policy webhook denies.",
    messages: {
      accessPolicyInvalid: 'accessPolicy "{{value}}" is not one of {{allowed}}.',
      proxyProtocolInvalid: 'proxyProtocol "{{value}}" is not one of {{allowed}}.',
      portInvalid: "port {{value}} is outside 1-65535.",
    },
  },
  target: [K.LinkerdServer],
  reads: [],
  check(server, ctx) {
    const s = spec(server);
    const access = asString(s.accessPolicy);
    if (access !== undefined && !ACCESS_POLICIES.includes(access)) {
      ctx.report({
        resource: server,
        path: ["spec", "accessPolicy"],
        messageId: "accessPolicyInvalid",
        data: { value: access, allowed: list(ACCESS_POLICIES) },
        help: "Use one of Linkerd's default policy names (the values are case-sensitive).",
      });
    }
    const protocol = asString(s.proxyProtocol);
    if (protocol !== undefined && !PROXY_PROTOCOLS.includes(protocol)) {
      ctx.report({
        resource: server,
        path: ["spec", "proxyProtocol"],
        messageId: "proxyProtocolInvalid",
        data: { value: protocol, allowed: list(PROXY_PROTOCOLS) },
        help: 'Spell the protocol as Linkerd does ("HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS" or "unknown").',
      });
    }
    if (typeof s.port === "number" && (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535)) {
      ctx.report({ resource: server, path: ["spec", "port"], messageId: "portInvalid", data: { value: s.port }, help: "Use the container port number (1-65535) or its name." });
    }
  },
});
