import { defineRule } from "../../src/engine/rule.js";
import { namespaceInAmbientMode, workloadInAmbient } from "../../src/istio/injection.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { workloadName } from "../../src/istio/selection.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "sidecar-ineffective",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "A Sidecar applies to an ambient namespace or selects ambient workloads, which run without a sidecar proxy.",
    aliases: [{ tool: "istioctl", code: "IST0167", match: "same" }],
    messages: {
      ambientNamespace: 'Namespace "{{namespace}}" runs in ambient mode, so this Sidecar configures no proxy there.',
      ambientWorkload: "The workloadSelector selects {{workload}}, which runs in ambient mode, so this Sidecar does not apply to it.",
    },
  },
  target: [K.Sidecar],
  reads: [K.Namespace, ...WORKLOAD_KINDS],
  check(sidecar, ctx) {
    const target = policyTarget(sidecar);
    if (target.kind === "namespace") {
      if (!namespaceInAmbientMode(ctx.index, sidecar.namespace)) return;
      ctx.report({
        resource: sidecar,
        messageId: "ambientNamespace",
        data: { namespace: sidecar.namespace },
        help: "Delete the Sidecar, or configure ambient traffic with a waypoint and targetRefs policies.",
      });
      return;
    }
    if (target.kind !== "selector") return;
    const ambient = ctx.index.workloads().select(target.selector, sidecar.namespace).find((w) => workloadInAmbient(ctx.index, w));
    if (!ambient) return;
    ctx.report({
      resource: sidecar,
      path: target.path,
      messageId: "ambientWorkload",
      data: { workload: workloadName(ambient) },
      help: "Delete the Sidecar, or move the workload to sidecar mode (istio.io/dataplane-mode: none plus injection).",
      related: [{ resource: ambient.resource, path: ambient.templatePath, message: "runs in ambient mode" }],
    });
  },
});
