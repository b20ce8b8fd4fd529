import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "internal-error",
    area: "core",
    category: "input",
    severity: "error",
    description: "A rule failed on a resource (a bug in meshlint); the other rules and resources were still checked.",
    messages: {
      ruleFailed: 'Rule "{{rule}}" failed on this resource ({{detail}}); please report this as a meshlint bug.',
      globalRuleFailed: 'Rule "{{rule}}" failed ({{detail}}); please report this as a meshlint bug.',
    },
  },
});
