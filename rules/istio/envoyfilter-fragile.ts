import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "envoyfilter-fragile",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "Every EnvoyFilter patches Envoy internals that may change with any Istio upgrade; Istio's webhook warns about each one.",
    aliases: [{ tool: "istioctl", code: "IST0133", match: "partial" }],
    messages: {
      internals: "EnvoyFilter exposes internal implementation details that may change at any time; prefer other APIs, and re-test it on every upgrade.",
    },
  },
  target: [K.EnvoyFilter],
  reads: [],
  check(ef, ctx) {
    ctx.report({
      resource: ef,
      path: ["kind"],
      messageId: "internals",
      help: "Use Telemetry, WasmPlugin, DestinationRule or VirtualService settings where they cover the need.",
    });
  },
});
