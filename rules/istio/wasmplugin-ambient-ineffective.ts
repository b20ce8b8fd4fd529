import { defineRule } from "../../src/engine/rule.js";
import { ambientAttachmentProblems } from "../../src/istio/ambient.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "wasmplugin-ambient-ineffective",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A WasmPlugin in an ambient namespace attaches by selector, or targets what no waypoint serves, so the plugin runs nowhere.",
    aliases: [
      { tool: "kiali", code: "KIA1116", match: "same", messageIds: ["withoutTargetRefs"] },
      { tool: "kiali", code: "KIA1111", match: "same", messageIds: ["notEnrolled"] },
    ],
    messages: {
      withoutTargetRefs: 'Namespace "{{namespace}}" runs in ambient mode, where waypoints ignore WasmPlugins attached without targetRefs.',
      notEnrolled: 'What this WasmPlugin targets in ambient namespace "{{namespace}}" is not enrolled with a waypoint ("istio.io/use-waypoint"), so the plugin does not run for it.',
    },
  },
  target: [K.WasmPlugin],
  reads: [K.Namespace, K.Service, K.ServiceEntry, ...WORKLOAD_KINDS],
  check(plugin, ctx) {
    for (const { messageId, help } of ambientAttachmentProblems(ctx.index, plugin)) {
      ctx.report({ resource: plugin, path: ["spec"], messageId, data: { namespace: plugin.namespace }, help });
    }
  },
});
