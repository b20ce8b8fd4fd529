import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { labelsOf } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { serviceView, workloadsBehind } from "../../src/model/services.js";
import { portsInArguments } from "../../src/model/workloads.js";

export default defineRule({
  meta: {
    id: "service-target-port-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Service's target port is not among the container ports declared by a workload the Service selects.",
    aliases: [{ tool: "kiali", code: "KIA0701", match: "same" }],
    messages: {
      numbered: 'Target port {{target}} of Service port {{port}} is not a container port of {{kind}} "{{workload}}".',
      named: 'Target port "{{target}}" of Service port {{port}} names no container port of {{kind}} "{{workload}}".',
    },
  },
  target: [K.Service],
  reads: WORKLOAD_KINDS,
  check(svc, ctx) {
    // Istio's own Services expose debug ports their pods do not declare; waypoints and gateways are generated.
    if (svc.namespace === ctx.settings.rootNamespace || svc.namespace === "istio-system") return;
    const service = serviceView(ctx.index, svc);
    if (labelsOf(svc)["gateway.istio.io/managed"] !== undefined || service.type === "ExternalName") return;
    // A workload that declares no container port says nothing about what it listens on: not judged.
    const workloads = workloadsBehind(ctx.index, service).filter((w) => w.containers.some((c) => c.ports.length > 0));
    if (workloads.length === 0) return;
    for (const { path, number, targetPort } of service.ports) {
      // A name is looked up among the containers' port names, as the endpoints controller does, even when it is made of digits.
      const name = typeof targetPort === "string" ? targetPort : undefined;
      const target = targetPort ?? number;
      for (const w of workloads) {
        const ports = w.containers.flatMap((c) => c.ports);
        if (name !== undefined ? ports.some((cp) => cp.name === name) : ports.some((cp) => cp.containerPort === target)) continue;
        // A number the containers are told to listen on (--port 18080) works without being declared.
        if (name === undefined && typeof target === "number" && portsInArguments(w).has(target)) continue;
        ctx.report({
          resource: svc,
          path: [...path, targetPort !== undefined ? "targetPort" : "port"],
          messageId: name !== undefined ? "named" : "numbered",
          data: { target, port: number, kind: w.resource.kind, workload: w.resource.name },
          related: [{ resource: w.resource, path: [...w.templatePath, "spec", "containers"], message: "the containers of a workload this Service selects" }],
          help: name !== undefined
            ? "A pod without a container port of that name gets no endpoint for this Service port; fix the name."
            : "Point the target port at a port the containers declare (or declare the port the application listens on).",
        });
        break;
      }
    }
  },
});
