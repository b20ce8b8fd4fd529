import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { serverPortOn, serverWorkloads, serversInNamespace } from "../../src/linkerd/servers.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { displayName } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-server-conflict",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "Two Linkerd Servers select the same pod port: only the oldest applies, and the other is ignored.",
    messages: {
      overlap: 'Server "{{other}}" also selects port {{port}} of {{workload}}; Linkerd applies only the older of the two.',
    },
  },
  reads: [K.LinkerdServer, ...WORKLOAD_KINDS],
  checkAll(ctx) {
    const { index } = ctx;
    const namespaces = new Set(index.all(K.LinkerdServer).map((s) => s.namespace));
    for (const ns of namespaces) {
      // Servers oldest first: the later one of a pair is the one Linkerd ignores.
      const servers = serversInNamespace(index, ns);
      const claimed = new Map<string, string>();
      const reported = new Set<string>();
      for (const server of servers) {
        for (const w of serverWorkloads(index, server)) {
          const port = serverPortOn(server, w);
          if (port === undefined) continue;
          const key = `${w.resource.id}:${port}`;
          const winner = claimed.get(key);
          if (winner === undefined) {
            claimed.set(key, server.resource.name);
            continue;
          }
          if (reported.has(`${server.resource.name}/${winner}`)) continue;
          reported.add(`${server.resource.name}/${winner}`);
          const other = servers.find((s) => s.resource.name === winner)?.resource;
          ctx.report({
            resource: server.resource,
            path: ["spec", "port"],
            messageId: "overlap",
            data: { other: winner, port, workload: displayName(w.resource) },
            help: "Give each pod port a single Server: narrow the podSelector or merge the two Servers.",
            ...(other ? { related: [{ resource: other, path: ["spec", "port"], message: "selects the same pod port" }] } : {}),
          });
        }
      }
    }
  },
});
