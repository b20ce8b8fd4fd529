import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { labelsOf } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { serviceView, workloadsBehind } from "../../src/model/services.js";
import { listeningPorts, portsInArguments } from "../../src/model/workloads.js";

export default defineRule({
  meta: {
    id: "service-target-port-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Service's target port is not among the container ports declared by a workload the Service selects.",
    aliases: [{ tool: "kiali", code: "KIA0701", match: "same" }],
    messages: {
      numbered: 'Target port {{target}} of Service port {{port}} is not a container port of {{kind}} "{{workload}}", whose containers are told to listen on {{listening}}.',
      undeclaredNumber:
        'Target port {{target}} of Service port {{port}} is not declared by {{kind}} "{{workload}}" (it declares {{declared}}): it works only if the program listens on {{target}}.',
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
        // A container port is informational: a numbered target reaches the program whether or not it is declared.
        // Only where the containers are told to listen elsewhere (-port 8080) is it known to reach nothing.
        const listening = name === undefined ? [...listeningPorts(w)] : [];
        const undeclared = name === undefined && listening.length === 0;
        ctx.report({
          resource: svc,
          path: [...path, targetPort !== undefined ? "targetPort" : "port"],
          messageId: name !== undefined ? "named" : undeclared ? "undeclaredNumber" : "numbered",
          ...(undeclared ? { severity: "info" as const } : {}),
          data: {
            target,
            port: number,
            kind: w.resource.kind,
            workload: w.resource.name,
            listening: listening.join(", "),
            declared: [...new Set(ports.map((cp) => (cp.name ? `${cp.containerPort} (${cp.name})` : String(cp.containerPort))))].join(", "),
          },
          related: [{ resource: w.resource, path: [...w.templatePath, "spec", "containers"], message: "the containers of a workload this Service selects" }],
          help: name !== undefined
            ? "A pod without a container port of that name gets no endpoint for this Service port; fix the name."
            : undeclared
              ? "Kubernetes sends the traffic to that number whether or not a container declares it; declare the port the program listens on, or fix the target."
              : "Point the target port at a port the program listens on.",
        });
        break;
      }
    }
  },
});
