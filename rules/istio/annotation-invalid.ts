import { defineRule } from "../../src/engine/rule.js";
import { ANNOTATED_KINDS, annotationValueProblem, isMisplaced, istioAnnotations } from "../../src/istio/annotations.js";

export default defineRule({
  meta: {
    id: "annotation-invalid",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An Istio annotation whose value Istio's sidecar injector rejects.",
    aliases: [{ tool: "istioctl", code: "IST0125", match: "same" }],
    messages: {
      invalid: 'Annotation "{{key}}" has an invalid value "{{value}}": {{problem}}.',
    },
  },
  target: ANNOTATED_KINDS,
  reads: [],
  check(resource, ctx) {
    for (const a of istioAnnotations(resource)) {
      const form = a.definition?.value;
      if (!form || isMisplaced(a)) continue;
      const problem = annotationValueProblem(form, a.value);
      if (!problem) continue;
      ctx.report({
        resource,
        path: a.path,
        messageId: "invalid",
        data: { key: a.key, value: a.value, problem },
        help: "The injector refuses to inject a pod whose Istio annotations do not validate; fix the value.",
      });
    }
  },
});
