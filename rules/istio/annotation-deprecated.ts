import { defineRule } from "../../src/engine/rule.js";
import { ANNOTATED_KINDS, istioAnnotations } from "../../src/istio/annotations.js";

export default defineRule({
  meta: {
    id: "annotation-deprecated",
    area: "istio",
    category: "deprecation",
    severity: "info",
    description: "An Istio annotation that Istio has deprecated.",
    aliases: [{ tool: "istioctl", code: "IST0135", match: "same" }],
    messages: {
      deprecated: 'Annotation "{{key}}" is deprecated.',
      replaced: 'Annotation "{{key}}" is deprecated in favor of {{replacement}}.',
    },
  },
  target: ANNOTATED_KINDS,
  reads: [],
  check(resource, ctx) {
    for (const a of istioAnnotations(resource)) {
      const def = a.definition;
      if (!def?.deprecated) continue;
      // Both the old annotation and its replacement label: kept on purpose for older control planes.
      if (a.key === "sidecar.istio.io/inject" && a.labels["sidecar.istio.io/inject"] !== undefined) continue;
      ctx.report({
        resource,
        path: a.path,
        part: "key",
        messageId: def.replacement ? "replaced" : "deprecated",
        data: { key: a.key, replacement: def.replacement ?? "" },
        help: "Deprecated annotations may stop working in a later Istio release.",
      });
    }
  },
});
