import { defineRule } from "../../src/engine/rule.js";
import { REPLACEABLE, ROUTE_LEVEL, configPatches } from "../../src/istio/envoy-filters.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "envoyfilter-patch-operation-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "An EnvoyFilter patch uses an operation that Istio ignores for its applyTo (ADD or REMOVE on routes, REPLACE on most objects).",
    aliases: [
      { tool: "istioctl", code: "IST0153", match: "same", messageIds: ["addIgnored"] },
      { tool: "istioctl", code: "IST0154", match: "same", messageIds: ["removeIgnored"] },
      { tool: "istioctl", code: "IST0152", match: "same", messageIds: ["replaceUnsupported"] },
    ],
    messages: {
      addIgnored: 'Operation "ADD" has no effect on applyTo "{{applyTo}}".',
      removeIgnored: 'Operation "REMOVE" has no effect on applyTo "{{applyTo}}".',
      replaceUnsupported: 'Operation "REPLACE" is supported only for HTTP_FILTER, NETWORK_FILTER and VIRTUAL_HOST, not for "{{applyTo}}".',
    },
  },
  target: [K.EnvoyFilter],
  reads: [],
  check(envoyFilter, ctx) {
    for (const patch of configPatches(envoyFilter)) {
      const applyTo = patch.applyTo ?? "INVALID";
      const path = [...patch.path, "patch", "operation"];
      if ((patch.operation === "ADD" || patch.operation === "REMOVE") && ROUTE_LEVEL.has(applyTo)) {
        ctx.report({
          resource: envoyFilter,
          path,
          messageId: patch.operation === "ADD" ? "addIgnored" : "removeIgnored",
          data: { applyTo },
          help: "Patch the route configuration with MERGE, or ADD/REMOVE a VIRTUAL_HOST instead.",
        });
      } else if (patch.operation === "REPLACE" && !REPLACEABLE.has(applyTo)) {
        ctx.report({
          resource: envoyFilter,
          path,
          messageId: "replaceUnsupported",
          data: { applyTo },
          help: "Use MERGE, or REMOVE the object and ADD a new one.",
        });
      }
    }
  },
});
