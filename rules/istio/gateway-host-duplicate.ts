import { defineRule } from "../../src/engine/rule.js";
import { type ServerHost, ServerHostIndex, gatewayServers, serverHostsOverlap } from "../../src/istio/gateway-servers.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "gateway-host-duplicate",
    area: "istio",
    category: "suspicious",
    severity: "info",
    description: "A Gateway lists a host twice on one port (or a wildcard and a name it covers); a warning across two servers.",
    aliases: [{ tool: "kiali", code: "KIA0301", match: "partial" }],
    messages: {
      sameServer: 'Host "{{host}}" overlaps host "{{other}}" of the same server.',
      otherServer: 'Host "{{host}}" on port "{{port}}" overlaps host "{{other}}" of another server of this Gateway.',
    },
  },
  target: [K.Gateway],
  reads: [],
  check(gw, ctx) {
    const seen = new Map<number, ServerHostIndex<{ host: ServerHost; server: number }>>();
    for (const server of gatewayServers(gw)) {
      if (server.port === undefined) continue;
      const earlier = seen.get(server.port) ?? new ServerHostIndex();
      seen.set(server.port, earlier);
      for (const host of server.hosts) {
        const first = earlier.candidates(host.host).find((e) => serverHostsOverlap(e.host, host));
        earlier.add({ host, server: server.index });
        if (!first) continue;
        const same = first.server === server.index;
        ctx.report({
          resource: gw,
          path: host.path,
          messageId: same ? "sameServer" : "otherServer",
          data: { host: host.written, other: first.host.written, port: server.port },
          help: same ? "Remove the redundant host." : "Declare each host once per port, in one server.",
          ...(same ? {} : { severity: "warning" as const, related: [{ resource: gw, path: first.host.path, message: "the earlier host" }] }),
        });
      }
    }
  },
});
