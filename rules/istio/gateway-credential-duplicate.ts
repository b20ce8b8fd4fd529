import { defineRule } from "../../src/engine/rule.js";
import {
  type GatewayServer,
  GATEWAY_SCOPE_KINDS,
  gatewaySelectorLabels,
  gatewayServers,
  isLabelSubset,
  scopeGatewayToNamespace,
} from "../../src/istio/gateway-servers.js";
import { K } from "../../src/model/kinds.js";
import type { FieldPath, Resource } from "../../src/model/resource.js";

interface Use {
  readonly gw: Resource;
  readonly server: GatewayServer;
  readonly path: FieldPath;
  readonly credential: string;
}

export default defineRule({
  meta: {
    id: "gateway-credential-duplicate",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "Two Gateways on the same gateway workloads serve one TLS certificate on the same port, which breaks HTTP/2 connection reuse.",
    aliases: [{ tool: "istioctl", code: "IST0138", match: "same" }],
    messages: {
      duplicateCertificate:
        'Certificate "{{credential}}" on port "{{port}}" is also served by Gateway {{others}} on these workloads; HTTP/2 clients reusing a connection across its hosts get 404s.',
    },
  },
  reads: [K.Gateway, ...GATEWAY_SCOPE_KINDS],
  checkAll(ctx) {
    const scoped = scopeGatewayToNamespace(ctx.index);
    // port + certificate -> the servers using it
    const byCertificate = new Map<string, Use[]>();
    for (const gw of ctx.index.all(K.Gateway)) {
      for (const server of gatewayServers(gw)) {
        const tls = server.tls;
        if (!tls || server.port === undefined) continue;
        const uses = tls.credentials.length
          ? tls.credentials.map((c) => ({ credential: c.name, path: c.path, key: `secret:${c.name}` }))
          : tls.serverCertificate && tls.privateKey
            ? [{ credential: tls.serverCertificate, path: [...tls.path, "serverCertificate"], key: `files:${tls.serverCertificate}|${tls.privateKey}` }]
            : [];
        for (const u of uses) {
          const key = `${server.port}|${u.key}`;
          const list = byCertificate.get(key) ?? [];
          if (!list.some((l) => l.gw === gw)) list.push({ gw, server, path: u.path, credential: u.credential });
          byCertificate.set(key, list);
        }
      }
    }
    for (const uses of byCertificate.values()) {
      for (const use of uses) {
        // As istioctl does: a Gateway whose selector is a subset of another's applies to all of that one's pods.
        const selector = gatewaySelectorLabels(use.gw);
        const others = uses.filter(
          (o) => o.gw !== use.gw && (!scoped || o.gw.namespace === use.gw.namespace) && isLabelSubset(selector, gatewaySelectorLabels(o.gw)),
        );
        if (others.length === 0) continue;
        ctx.report({
          resource: use.gw,
          path: use.path,
          messageId: "duplicateCertificate",
          data: { credential: use.credential, port: use.server.port as number, others: others.map((o) => `"${o.gw.namespace}/${o.gw.name}"`).join(", ") },
          help: "Serve hosts that share a certificate from one Gateway server, or give each Gateway its own certificate.",
          related: others.map((o) => ({ resource: o.gw, path: o.path, message: "uses the same certificate" })),
        });
      }
    }
  },
});
