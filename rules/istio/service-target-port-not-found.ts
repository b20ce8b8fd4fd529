import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asNumber, asObject, asString, asStringMap, labelsOf, spec } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { selectorFromLabels } from "../../src/model/selectors.js";

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
    if (labelsOf(svc)["gateway.istio.io/managed"] !== undefined || spec(svc).type === "ExternalName") return;
    const selector = asStringMap(spec(svc).selector);
    if (!selector || Object.keys(selector).length === 0) return;
    // A workload that declares no container port says nothing about what it listens on: not judged.
    const workloads = ctx.index.workloads().select(selectorFromLabels(selector), svc.namespace)
      .filter((w) => w.containers.some((c) => c.ports.length > 0));
    asArray(spec(svc).ports).forEach((p, i) => {
      const port = asObject(p);
      const number = asNumber(port?.port);
      if (!port || number === undefined) return;
      const name = asString(port.targetPort);
      const target = name ?? asNumber(port.targetPort) ?? number;
      for (const w of workloads) {
        const ports = w.containers.flatMap((c) => c.ports);
        if (name !== undefined ? ports.some((cp) => cp.name === name) : ports.some((cp) => cp.containerPort === target)) continue;
        ctx.report({
          resource: svc,
          path: ["spec", "ports", i, port.targetPort !== undefined ? "targetPort" : "port"],
          messageId: name !== undefined ? "named" : "numbered",
          data: { target, port: number, kind: w.resource.kind, workload: w.resource.name },
          related: [{ resource: w.resource, path: [...w.templatePath, "spec", "containers"], message: "the containers of a workload this Service selects" }],
          help: name !== undefined
            ? "A pod without a container port of that name gets no endpoint for this Service port; fix the name."
            : "Point the target port at a port the containers declare (or declare the port the application listens on).",
        });
        break;
      }
    });
  },
});
