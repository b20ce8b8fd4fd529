import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { INJECTION_KINDS, linkerdMeshing, skippedInbound } from "../../src/linkerd/injection.js";
import { defaultInboundPolicy, serversFor } from "../../src/linkerd/servers.js";
import { displayName } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-default-deny-unreachable",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A meshed workload whose default inbound policy is deny has a container port that no Server describes: every connection to it is refused.",
    messages: {
      refused: 'Port {{port}} of {{workload}} has no Server, and the default inbound policy "deny" (from the {{from}}) refuses every connection to it.',
    },
  },
  reads: [K.LinkerdServer, ...INJECTION_KINDS],
  checkAll(ctx) {
    const { index } = ctx;
    for (const w of index.workloads().all) {
      const choice = defaultInboundPolicy(index, { namespace: w.namespace, workload: w });
      if (choice.policy !== "deny" || !choice.resource || !choice.path) continue;
      if (linkerdMeshing(index, w).meshed === false) continue;
      for (const [ci, c] of w.containers.entries()) {
        for (const [pi, p] of c.ports.entries()) {
          if (p.protocol.toUpperCase() !== "TCP" || skippedInbound(index, w, p.containerPort)) continue;
          if (serversFor(index, { namespace: w.namespace, labels: w.labels, workload: w }, p.containerPort).length) continue;
          ctx.report({
            resource: w.resource,
            path: [...w.templatePath, "spec", "containers", ci, "ports", pi, "containerPort"],
            messageId: "refused",
            data: { port: p.containerPort, workload: displayName(w.resource), from: choice.from === "workload" ? "pod template" : `namespace "${w.namespace}"` },
            help: "Add a Server (and an AuthorizationPolicy) for the port, or choose another default inbound policy.",
            related: [{ resource: choice.resource, path: choice.path, message: "sets the default inbound policy to deny" }],
          });
        }
      }
    }
  },
});
