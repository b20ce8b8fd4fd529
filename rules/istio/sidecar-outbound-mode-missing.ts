import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "sidecar-outbound-mode-missing",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "A Sidecar sets outboundTrafficPolicy without a mode, which means REGISTRY_ONLY whatever the mesh default is.",
    aliases: [{ tool: "kiali", code: "KIA1007", match: "partial" }],
    messages: {
      modeMissing: 'outboundTrafficPolicy has no mode, so it is "REGISTRY_ONLY" for these workloads while the mesh default is "{{meshMode}}".',
    },
  },
  target: [K.Sidecar],
  reads: [],
  check(sidecar, ctx) {
    const policy = asObject(spec(sidecar).outboundTrafficPolicy);
    if (!policy || (policy.mode !== undefined && policy.mode !== null)) return;
    const meshMode = asString(asObject(ctx.settings.meshConfig.outboundTrafficPolicy)?.mode) ?? "ALLOW_ANY";
    ctx.report({
      resource: sidecar,
      path: ["spec", "outboundTrafficPolicy"],
      messageId: "modeMissing",
      data: { meshMode },
      help: 'Write the mode you mean: "mode: ALLOW_ANY" or "mode: REGISTRY_ONLY".',
      // Only a change of behaviour is worth a warning: under a REGISTRY_ONLY mesh the missing mode changes nothing.
      ...(meshMode === "REGISTRY_ONLY" ? { severity: "info" as const } : {}),
    });
  },
});
