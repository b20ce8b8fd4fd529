import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { PROXY_CONTAINER_PORTS, serverOf, serverWorkloads } from "../../src/linkerd/servers.js";
import { portsInArguments } from "../../src/model/workloads.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { displayName } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-server-port-not-found",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A Linkerd Server's port names no TCP container port of the pods it selects (it then matches nothing), or is a number no container declares.",
    messages: {
      namedPortMissing: 'No pod the Server selects declares a TCP container port named "{{port}}" (selected: {{workloads}}).',
      numberNotDeclared: "No pod the Server selects declares container port {{port}} (selected: {{workloads}}).",
    },
  },
  target: [K.LinkerdServer],
  reads: WORKLOAD_KINDS,
  check(resource, ctx) {
    const server = serverOf(resource);
    if (server.port === undefined) return;
    const selected = serverWorkloads(ctx.index, server);
    if (!selected.length) return;
    const ports = [...selected.flatMap((w) => w.containers.flatMap((c) => c.ports)), ...PROXY_CONTAINER_PORTS.map((p) => ({ ...p, protocol: "TCP" }))];
    const workloads = selected.slice(0, 3).map((w) => displayName(w.resource)).join(", ");
    const path = ["spec", "port"];
    if (typeof server.port === "string") {
      if (ports.some((p) => p.name === server.port && p.protocol.toUpperCase() === "TCP")) return;
      ctx.report({ resource, path, messageId: "namedPortMissing", data: { port: server.port, workloads }, help: "Name a TCP container port of the selected pods, or use the port number." });
    } else if (!ports.some((p) => p.containerPort === server.port) && !selected.some((w) => portsInArguments(w).has(server.port as number))) {
      // The policy controller matches a number against the pod's ports directly, declared or not, and a program may
      // listen on a port its container does not declare: worth a look, not a warning.
      ctx.report({ resource, path, messageId: "numberNotDeclared", severity: "info", data: { port: server.port, workloads }, help: "Check the port number against the containers' ports." });
    }
  },
});
