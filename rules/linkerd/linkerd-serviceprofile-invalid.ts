import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { profileProblems } from "../../src/linkerd/service-profiles.js";

export default defineRule({
  meta: {
    id: "linkerd-serviceprofile-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A ServiceProfile that Linkerd's ServiceProfile validator rejects beyond the CRD schema, or whose pathRegex does not compile.",
    messages: {
      nameInvalid: 'Name "{{name}}" is not a DNS-1123 subdomain (lowercase letters, digits, "-" and ".").',
      unknownField: 'Unknown field "{{key}}" in a nested {{side}} condition.',
      emptyCondition: "This {{side}} condition sets none of {{keys}}.",
      nullCondition: "A {{side}} condition in this list is empty (null).",
      statusRange: "Status {{key}} {{value}} is outside 100-599.",
      statusOrder: "Status max {{max}} is lower than min {{min}}.",
      duration: '{{field}} "{{value}}" is not a Go duration.',
      retryRatio: "retryRatio {{value}} is negative.",
      pathRegex: 'pathRegex "{{value}}" does not compile as a regular expression ({{problem}}); Linkerd\'s proxy drops a condition it cannot compile.',
    },
  },
  target: [K.ServiceProfile],
  reads: [],
  check(sp, ctx) {
    for (const p of profileProblems(sp)) {
      ctx.report({
        resource: sp,
        path: p.path,
        messageId: p.messageId,
        data: p.data,
        ...(p.part ? { part: p.part } : {}),
        help:
          p.messageId === "duration"
            ? 'Write a Go duration such as "300ms", "10s" or "1m30s".'
            : p.messageId === "pathRegex"
              ? "Write it in Go's regexp (RE2) syntax: no look-around or back-references, and escape literal brackets and braces; the route matches no request until then."
              : "Linkerd's ServiceProfile webhook refuses the whole profile; fix the condition or value.",
      });
    }
  },
});
