import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "directive-unused",
    area: "core",
    category: "suspicious",
    severity: "warning",
    description: "A meshlint-disable comment silences nothing, names an unknown rule or code, or a meshlint-enable closes no block.",
    messages: {
      unused: 'This "{{directive}}" comment silences no finding of "{{id}}".',
      unusedAll: 'This "{{directive}}" comment silences no finding.',
      unknownId: '"{{id}}" is neither a meshlint rule id nor an IST/KIA code that a meshlint rule reports.',
      unmatchedEnable: 'This "meshlint-enable" comment closes no "meshlint-disable" block for {{id}}.',
    },
  },
});
