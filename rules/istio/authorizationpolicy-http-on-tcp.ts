import { defineRule } from "../../src/engine/rule.js";
import { policiesApplyingTo, policyWorkloads } from "../../src/istio/policy-targets.js";
import { GATEWAY_SCOPE_KINDS, gatewayServers, gatewayWorkloads } from "../../src/istio/gateway-servers.js";
import { isGatewayWorkload } from "../../src/istio/mtls.js";
import { servicePortProtocol } from "../../src/istio/protocols.js";
import { httpOnlyDenyRule, policyAction, usesHttpOnlyAttribute } from "../../src/validation/security.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asArray, asObject, spec } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { servicesSelecting } from "../../src/model/services.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import type { Workload } from "../../src/model/workloads.js";

const TCP = new Set(["tcp", "tls", "https", "mongo", "mysql", "redis"]);

/** Whether another ALLOW policy applying to the workload has a rule that TCP traffic can match. */
function allowedByOther(index: ResourceIndex, policy: Resource, workload: Workload): boolean {
  return policiesApplyingTo(index, K.AuthorizationPolicy, workload).some(
    (other) =>
      other !== policy &&
      policyAction(other) === "ALLOW" &&
      asArray(spec(other).rules).some((r) => asObject(r) && !usesHttpOnlyAttribute(asObject(r) ?? {})),
  );
}

/** Gateway server protocols whose traffic the proxy handles as TCP (TLS is terminated and forwarded as bytes). */
const TCP_SERVER_PROTOCOLS = new Set(["TCP", "TLS", "MONGO", "MYSQL", "REDIS"]);

/**
 * The ports on which an Istio Gateway bound to a gateway workload serves TCP. A gateway proxy takes each port's
 * protocol from its Gateway servers, never from the Service's port names: a port no server binds carries nothing.
 */
function gatewayTcpPorts(index: ResourceIndex, w: Workload): Set<number> {
  const ports = new Set<number>();
  for (const gw of index.all(K.Gateway)) {
    if (!gatewayWorkloads(index, gw).includes(w)) continue;
    for (const server of gatewayServers(gw)) {
      const passthrough = server.protocol === "HTTPS" && /PASSTHROUGH/.test(server.tls?.mode ?? "");
      if (server.port !== undefined && (TCP_SERVER_PROTOCOLS.has(server.protocol ?? "") || passthrough)) ports.add(server.port);
    }
  }
  return ports;
}

/** The first non-HTTP port of a Service selecting one of the policy's workloads, as "service:port". */
function tcpPortInScope(index: ResourceIndex, policy: Resource): string | undefined {
  for (const w of policyWorkloads(index, policy) ?? []) {
    const gatewayPorts = isGatewayWorkload(w) ? gatewayTcpPorts(index, w) : undefined;
    for (const svc of servicesSelecting(index, w)) {
      for (const p of svc.ports) {
        const tcp = gatewayPorts ? gatewayPorts.has(p.number) : TCP.has(servicePortProtocol(p));
        if (tcp && !allowedByOther(index, policy, w)) return `${svc.name}:${p.number}`;
      }
    }
  }
  return undefined;
}

export default defineRule({
  meta: {
    id: "authorizationpolicy-http-on-tcp",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "An AuthorizationPolicy rule uses only HTTP attributes, so it denies all TCP traffic in scope (DENY), or never allows TCP traffic (ALLOW).",
    aliases: [{ tool: "istioctl", code: "IST0133", match: "partial", messageIds: ["denyHttpOnly"] }],
    messages: {
      denyHttpOnly:
        "This DENY rule uses only HTTP attributes, so it denies all traffic to TCP ports of the workloads in scope; name the ports it is meant for.",
      allowHttpOnly:
        'Every rule of this ALLOW policy uses HTTP-only attributes, which never match TCP traffic, so all traffic to TCP port "{{port}}" in its scope is denied.',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [K.Service, ...WORKLOAD_KINDS, K.Gateway, ...GATEWAY_SCOPE_KINDS],
  check(policy, ctx) {
    const action = policyAction(policy);
    const rules = asArray(spec(policy).rules).map(asObject);
    if (action === "DENY") {
      rules.forEach((rule, i) => {
        if (rule && httpOnlyDenyRule(rule)) {
          ctx.report({ resource: policy, path: ["spec", "rules", i], messageId: "denyHttpOnly", help: 'Add "to.operation.ports" (or a TCP attribute) so the rule only covers HTTP ports.' });
        }
      });
    } else if (action === "ALLOW" && rules.length > 0 && rules.every((r) => r && usesHttpOnlyAttribute(r))) {
      const port = tcpPortInScope(ctx.index, policy);
      if (port) {
        ctx.report({ resource: policy, path: ["spec", "rules"], messageId: "allowHttpOnly", data: { port }, help: "Add a rule with TCP attributes only (ports, principals, namespaces, IP blocks) for the TCP ports." });
      }
    }
  },
});
