import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { serverExternalWorkloads, serverOf, serverWorkloads } from "../../src/linkerd/servers.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { describeSelector } from "../../src/model/selectors.js";
import { holdsKind } from "../../src/model/evidence.js";

export default defineRule({
  meta: {
    id: "linkerd-server-workload-not-found",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Linkerd Server's podSelector matches no pod template, or its externalWorkloadSelector no ExternalWorkload, in its namespace.",
    messages: {
      noPods: 'The podSelector "{{selector}}" matches no workload in namespace "{{namespace}}".',
      noExternal: 'The externalWorkloadSelector "{{selector}}" matches no ExternalWorkload in namespace "{{namespace}}".',
    },
  },
  target: [K.LinkerdServer],
  reads: [K.ExternalWorkload, ...WORKLOAD_KINDS],
  check(resource, ctx) {
    const server = serverOf(resource);
    const { index } = ctx;
    const data = { selector: describeSelector(server.selector) || "{}", namespace: resource.namespace };
    if (server.selects === "pods") {
      // The namespace's applications live elsewhere when the repository holds none of them.
      if (index.workloads().inNamespace(resource.namespace).length === 0 || serverWorkloads(index, server).length) return;
      ctx.report({ resource, path: server.selectorPath, messageId: "noPods", data, help: "Make the podSelector match the pod template labels of the workload the Server describes." });
    } else if (server.selects === "external") {
      if (!holdsKind(index, K.ExternalWorkload) || serverExternalWorkloads(index, server).length) return;
      ctx.report({ resource, path: server.selectorPath, messageId: "noExternal", data, help: "Make the externalWorkloadSelector match the labels of an ExternalWorkload." });
    }
  },
});
