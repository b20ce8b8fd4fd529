import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { INJECTION_KINDS, skippedInbound } from "../../src/linkerd/injection.js";
import { serverOf, serverPortOn, serverWorkloads } from "../../src/linkerd/servers.js";
import { displayName } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-server-port-skipped",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Linkerd Server's port is listed in the pods' config.linkerd.io/skip-inbound-ports: traffic bypasses the proxy, so the Server never applies.",
    messages: {
      skipped: 'Port {{port}} of {{workload}} is in config.linkerd.io/skip-inbound-ports "{{value}}", so the proxy never sees its traffic.',
    },
  },
  target: [K.LinkerdServer],
  reads: INJECTION_KINDS,
  check(resource, ctx) {
    const server = serverOf(resource);
    for (const w of serverWorkloads(ctx.index, server)) {
      const port = serverPortOn(server, w);
      const skip = port === undefined ? undefined : skippedInbound(ctx.index, w, port);
      if (!skip || port === undefined) continue;
      ctx.report({
        resource,
        path: ["spec", "port"],
        messageId: "skipped",
        data: { port, workload: displayName(w.resource), value: skip.value },
        help: "Remove the port from skip-inbound-ports, or remove the Server and its authorizations.",
        related: [{ resource: skip.resource, path: skip.path, message: "skips the port" }],
      });
      return;
    }
  },
});
