import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { INJECTION_KINDS, linkerdMeshing } from "../../src/linkerd/injection.js";
import { serverOf, serverWorkloads } from "../../src/linkerd/servers.js";
import { displayName } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-server-unmeshed",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Linkerd Server selects only pods that Linkerd does not inject, so no proxy enforces it.",
    messages: {
      notInjected: "The Server selects only pods without a Linkerd proxy, such as {{workload}} ({{reason}}).",
    },
  },
  target: [K.LinkerdServer],
  reads: INJECTION_KINDS,
  check(resource, ctx) {
    const server = serverOf(resource);
    const selected = serverWorkloads(ctx.index, server);
    if (!selected.length) return;
    const states = selected.map((w) => ({ w, m: linkerdMeshing(ctx.index, w) }));
    // Unknown injection (`linkerd inject` on the command line) counts as meshed.
    if (states.some((s) => s.m.meshed !== false)) return;
    const first = states[0];
    if (!first) return;
    ctx.report({
      resource,
      path: server.selectorPath,
      messageId: "notInjected",
      data: { workload: displayName(first.w.resource), reason: first.m.reason },
      help: 'Annotate the pod template or its namespace with linkerd.io/inject: enabled, or remove the Server.',
      ...(first.m.resource && first.m.path ? { related: [{ resource: first.m.resource, path: first.m.path, message: "decides that the pods are not injected" }] } : {}),
    });
  },
});
