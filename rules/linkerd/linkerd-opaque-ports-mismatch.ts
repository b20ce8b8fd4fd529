import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { DEFAULT_OPAQUE_PORTS, opaquePortSet } from "../../src/linkerd/annotations.js";
import { OPAQUE_PORTS_ANNOTATION, linkerdMeshing } from "../../src/linkerd/injection.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { annotationsOf, asString } from "../../src/model/resource.js";
import { type ServicePort, serviceView, targetPortOn, workloadsBehind } from "../../src/model/services.js";

export default defineRule({
  meta: {
    id: "linkerd-opaque-ports-mismatch",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Service and the pods behind it disagree on which ports are opaque (linkerd check's opaque-ports check).",
    messages: {
      serviceOnly: 'Service port {{port}} is opaque, but target port {{target}} of {{workload}} is not.',
      podOnly: 'Target port {{target}} of {{workload}} is opaque, but Service port {{port}} is not.',
    },
  },
  target: [K.Service],
  reads: [K.Namespace, ...WORKLOAD_KINDS],
  check(svc, ctx) {
    const service = serviceView(ctx.index, svc);
    if (service.headless || Object.keys(service.selector).length === 0) return;
    const ns = ctx.index.namespaces().declared(svc.namespace);
    const nsValue = ns ? annotationsOf(ns)[OPAQUE_PORTS_ANNOTATION] : undefined;
    const svcValue = annotationsOf(svc)[OPAQUE_PORTS_ANNOTATION];
    const svcOpaque = opaquePortSet(svcValue ?? nsValue ?? DEFAULT_OPAQUE_PORTS, new Map());
    const workloads = workloadsBehind(ctx.index, service);
    const reported = new Set<ServicePort>();
    for (const w of workloads) {
      // A pod without a proxy has nothing that reads its opaque ports: the advice cannot be followed.
      if (linkerdMeshing(ctx.index, w).meshed === false) continue;
      const podValue = w.annotations[OPAQUE_PORTS_ANNOTATION];
      // Only where the repository writes the annotation somewhere; otherwise both sides use the defaults.
      if (podValue === undefined && svcValue === undefined && nsValue === undefined) continue;
      const names = new Map(w.containers.flatMap((c) => c.ports.flatMap((p) => (p.name ? [[p.name, p.containerPort] as const] : []))));
      const podOpaque = opaquePortSet(podValue ?? nsValue ?? DEFAULT_OPAQUE_PORTS, names);
      for (const p of service.ports) {
        const port = p.number;
        const target = targetPortOn(p, w);
        if (reported.has(p) || target === undefined) continue;
        const sOpaque = svcOpaque(port);
        const pOpaque = podOpaque(target);
        if (sOpaque === pOpaque) continue;
        reported.add(p);
        const workload = `${w.resource.kind} "${w.resource.name}"`;
        ctx.report({
          resource: svc,
          path: p.path,
          messageId: sOpaque ? "serviceOnly" : "podOnly",
          data: { port, target, workload },
          help: `List the port in "${OPAQUE_PORTS_ANNOTATION}" on both the Service and its pods, or on neither.`,
          related: [{ resource: w.resource, path: [...w.templatePath, "metadata"], message: `${workload} (${asString(podValue) ?? "no opaque-ports annotation"})` }],
        });
      }
    }
  },
});
