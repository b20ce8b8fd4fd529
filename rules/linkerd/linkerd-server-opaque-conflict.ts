import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { opaquePortSet } from "../../src/linkerd/annotations.js";
import { INJECTION_KINDS, OPAQUE_PORTS_ANNOTATION, configAnnotation } from "../../src/linkerd/injection.js";
import { serverOf, serverPortOn, serverWorkloads } from "../../src/linkerd/servers.js";
import { displayName } from "../../src/model/resource.js";
import type { Workload } from "../../src/model/workloads.js";

export default defineRule({
  meta: {
    id: "linkerd-server-opaque-conflict",
    area: "linkerd",
    category: "suspicious",
    severity: "info",
    description: "A Linkerd Server declares an HTTP or gRPC proxyProtocol for a port that the pods' config.linkerd.io/opaque-ports marks opaque.",
    messages: {
      opaqueOnPods: 'The Server declares proxyProtocol "{{protocol}}" for port {{port}}, but {{workload}} lists it in config.linkerd.io/opaque-ports.',
    },
  },
  target: [K.LinkerdServer],
  reads: INJECTION_KINDS,
  check(resource, ctx) {
    const server = serverOf(resource);
    const protocol = server.proxyProtocol;
    // Linkerd's destination controller reads a Server's `opaque` itself; the disagreement that matters is a port the
    // annotation makes opaque while the Server says it carries HTTP or gRPC.
    if (protocol === undefined || protocol === "unknown" || protocol === "TLS" || protocol === "opaque") return;
    for (const w of serverWorkloads(ctx.index, server)) {
      const port = serverPortOn(server, w);
      if (port === undefined) continue;
      const annotation = configAnnotation(ctx.index, w, OPAQUE_PORTS_ANNOTATION);
      const opaque = annotation !== undefined && isOpaque(annotation.value, port, w);
      const data = { port, workload: displayName(w.resource), protocol };
      if (opaque && annotation) {
        ctx.report({ resource, path: ["spec", "proxyProtocol"], messageId: "opaqueOnPods", data, help: "Make the Server's proxyProtocol opaque, or remove the port from the annotation.", related: [{ resource: annotation.resource, path: annotation.path, message: "marks the port opaque" }] });
        return;
      }
    }
  },
});

/** Opaque-ports lists hold numbers, ranges and, on pods, container port names. */
function isOpaque(value: string, port: number, w: Workload): boolean {
  const names = new Map(w.containers.flatMap((c) => c.ports.flatMap((p) => (p.name === undefined ? [] : [[p.name, p.containerPort] as const]))));
  return opaquePortSet(value, names)(port);
}
