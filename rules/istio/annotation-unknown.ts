import { defineRule } from "../../src/engine/rule.js";
import { ISTIO_LABEL_KEYS } from "../../src/istio/annotation-catalog.js";
import { ANNOTATED_KINDS, istioAnnotations } from "../../src/istio/annotations.js";

export default defineRule({
  meta: {
    id: "annotation-unknown",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An annotation in an Istio domain (`*.istio.io/…`) that Istio does not define.",
    aliases: [{ tool: "istioctl", code: "IST0108", match: "same" }],
    messages: {
      unknown: 'Annotation "{{key}}" is not an annotation Istio defines.',
      label: 'Annotation "{{key}}" is an Istio label, not an annotation.',
    },
  },
  target: ANNOTATED_KINDS,
  reads: [],
  check(resource, ctx) {
    for (const a of istioAnnotations(resource)) {
      if (a.definition) continue;
      const label = ISTIO_LABEL_KEYS.has(a.key);
      ctx.report({
        resource,
        path: a.path,
        part: "key",
        messageId: label ? "label" : "unknown",
        data: { key: a.key },
        help: label
          ? "Move it to the labels of the same metadata; Istio does not read it as an annotation."
          : "Check the spelling against Istio's annotation reference; Istio ignores annotations it does not know.",
      });
    }
  },
});
