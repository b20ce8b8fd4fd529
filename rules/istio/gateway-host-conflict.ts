import { defineRule } from "../../src/engine/rule.js";
import {
  type GatewayServer,
  ISTIO_OPERATOR,
  type ServerHost,
  ServerHostIndex,
  gatewaySelectorLabels,
  gatewayServers,
  gatewayWorkloads,
  labelsKey,
  scopeGatewayToNamespace,
  serverHostsOverlap,
} from "../../src/istio/gateway-servers.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

interface Entry {
  readonly gw: Resource;
  readonly server: GatewayServer;
  readonly host: ServerHost;
}

/** Plain-HTTP flavours share a listener; any other difference (HTTP vs HTTPS vs TCP) cannot. */
const family = (protocol: string | undefined) => (protocol && ["HTTP", "HTTP2", "GRPC", "GRPC-WEB"].includes(protocol) ? "HTTP" : protocol ?? "");

export default defineRule({
  meta: {
    id: "gateway-host-conflict",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "Two Gateways on the same gateway workloads declare overlapping hosts on the same port; an error when their protocols differ.",
    aliases: [
      { tool: "istioctl", code: "IST0145", match: "same" },
      { tool: "kiali", code: "KIA0301", match: "partial" },
    ],
    messages: {
      hostConflict: 'Host "{{host}}" on port "{{port}}" is also served by Gateway {{others}} on the same gateway workloads.',
    },
  },
  reads: [K.Gateway, ...WORKLOAD_KINDS, ISTIO_OPERATOR],
  checkAll(ctx) {
    const scoped = scopeGatewayToNamespace(ctx.index);
    const proxies = new Map<Resource, { key: string; workloads: Set<string> }>();
    const byPort = new Map<string, Entry[]>();
    for (const gw of ctx.index.all(K.Gateway)) {
      const key = labelsKey(gatewaySelectorLabels(gw)) + (scoped ? `@${gw.namespace}` : "");
      proxies.set(gw, { key, workloads: new Set(gatewayWorkloads(ctx.index, gw).map((w) => w.resource.id)) });
      for (const server of gatewayServers(gw)) {
        if (server.port === undefined) continue;
        const portKey = `${server.port}|${server.bind ?? ""}`;
        for (const host of server.hosts) push(byPort, portKey, { gw, server, host });
      }
    }
    const shareProxies = (a: Resource, b: Resource) => {
      const pa = proxies.get(a)!;
      const pb = proxies.get(b)!;
      return pa.key === pb.key || [...pa.workloads].some((id) => pb.workloads.has(id));
    };
    // (gateway, server index) -> what it conflicts with, reported once per server.
    const found = new Map<string, { entry: Entry; others: Set<Resource>; mixed: boolean }>();
    const record = (a: Entry, b: Entry) => {
      const key = `${a.gw.id}#${a.server.index}`;
      const hit = found.get(key) ?? { entry: a, others: new Set<Resource>(), mixed: false };
      hit.others.add(b.gw);
      hit.mixed ||= family(a.server.protocol) !== family(b.server.protocol);
      found.set(key, hit);
    };
    const consider = (a: Entry, b: Entry) => {
      if (a.gw === b.gw || !serverHostsOverlap(a.host, b.host) || !shareProxies(a.gw, b.gw)) return;
      record(a, b);
      record(b, a);
    };
    for (const entries of byPort.values()) {
      // Each pair once, and only pairs whose names can overlap (thousands of hosts in one server are common enough).
      const earlier = new ServerHostIndex<Entry>();
      for (const e of entries) {
        for (const o of earlier.candidates(e.host.host)) consider(o, e);
        earlier.add(e);
      }
    }
    for (const { entry, others, mixed } of found.values()) {
      ctx.report({
        resource: entry.gw,
        path: entry.host.path,
        messageId: "hostConflict",
        data: { host: entry.host.written, port: entry.server.port as number, others: [...others].map((o) => `"${o.namespace}/${o.name}"`).join(", ") },
        help: "Serve each host and port from one Gateway per gateway workload, or give the Gateways different selectors.",
        related: [...others].map((o) => ({ resource: o, path: ["spec", "servers"], message: "declares an overlapping host on the same port" })),
        ...(mixed ? { severity: "error" as const } : {}),
      });
    }
  },
});

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
