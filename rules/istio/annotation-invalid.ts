import { defineRule } from "../../src/engine/rule.js";
import { ANNOTATED_KINDS, annotationValueProblem, isMisplaced, istioAnnotations, unreadInjectValues } from "../../src/istio/annotations.js";

export default defineRule({
  meta: {
    id: "annotation-invalid",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An Istio annotation whose value Istio's sidecar injector rejects, or a sidecar.istio.io/inject value it ignores.",
    aliases: [{ tool: "istioctl", code: "IST0125", match: "same", messageIds: ["invalid"] }],
    messages: {
      invalid: 'Annotation "{{key}}" has an invalid value "{{value}}": {{problem}}.',
      injectValue:
        'The "sidecar.istio.io/inject" {{form}} is "{{value}}", neither "true" nor "false": Istio ignores it and injects a sidecar only if the namespace asks for one.',
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
    for (const v of unreadInjectValues(resource)) {
      ctx.report({
        resource,
        path: v.path,
        messageId: "injectValue",
        data: { form: v.form, value: v.value },
        help: 'Write "true" or "false" (quoted, lower-case); other spellings such as "yes" or "True" are not read.',
      });
    }
  },
});
