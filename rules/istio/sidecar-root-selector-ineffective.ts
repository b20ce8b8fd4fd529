import { defineRule } from "../../src/engine/rule.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "sidecar-root-selector-ineffective",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "A Sidecar in the root namespace has a workloadSelector, so it is not the mesh-wide default it looks like.",
    aliases: [{ tool: "kiali", code: "KIA1006", match: "same" }],
    messages: {
      rootSelector:
        'Sidecar "{{name}}" is in the root namespace "{{namespace}}" but has a workloadSelector, so it applies only to matching workloads of that namespace, not to the mesh.',
    },
  },
  target: [K.Sidecar],
  reads: [],
  check(sidecar, ctx) {
    if (sidecar.namespace !== ctx.settings.rootNamespace) return;
    const target = policyTarget(sidecar);
    if (target.kind !== "selector") return;
    ctx.report({
      resource: sidecar,
      path: ["spec", "workloadSelector"],
      messageId: "rootSelector",
      data: { name: sidecar.name, namespace: sidecar.namespace },
      help: "Remove the workloadSelector to make it the mesh default, or move the Sidecar to the namespace of its workloads.",
    });
  },
});
