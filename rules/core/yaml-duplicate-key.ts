import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "yaml-duplicate-key",
    area: "core",
    category: "input",
    severity: "error",
    description: "A mapping repeats a key; Kubernetes rejects the object, and other tools keep only one of the values.",
    messages: { duplicateKey: 'Key "{{key}}" appears more than once in the same mapping.' },
  },
});
