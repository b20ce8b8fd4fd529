import { defineRule } from "../../src/engine/rule.js";
import { LINKERD_ANNOTATED_KINDS, accrualIneffective, annotationProblems, linkerdMetadata } from "../../src/linkerd/annotations.js";

export default defineRule({
  meta: {
    id: "linkerd-annotation-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Linkerd configuration annotation whose value Linkerd cannot parse (and ignores), or that has no effect.",
    messages: {
      invalid: 'Annotation "{{key}}" has an invalid value "{{value}}": {{reason}}.',
      ineffective: 'Annotation "{{key}}" has no effect: {{reason}}.',
    },
  },
  target: LINKERD_ANNOTATED_KINDS,
  reads: [],
  check(resource, ctx) {
    for (const meta of linkerdMetadata(resource)) {
      for (const p of annotationProblems(meta)) {
        ctx.report({
          resource,
          path: [...meta.metaPath, "annotations", p.key],
          messageId: "invalid",
          data: { key: p.key, value: p.value, reason: p.reason },
          severity: p.severity,
          help: "Linkerd logs the value and uses its default instead; fix the value.",
        });
      }
      if (meta.site !== "Service") continue;
      for (const p of accrualIneffective(meta.annotations)) {
        ctx.report({
          resource,
          path: [...meta.metaPath, "annotations", p.key],
          part: "key",
          messageId: "ineffective",
          data: { key: p.key, reason: p.reason },
          help: 'Set "balancer.linkerd.io/failure-accrual" to the mode these settings belong to, or remove them.',
        });
      }
    }
  },
});
