import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "yaml-syntax-error",
    area: "core",
    category: "input",
    severity: "error",
    description: "A YAML document cannot be parsed; kubectl would reject the whole file.",
    messages: { syntax: "YAML syntax error: {{detail}}." },
  },
});
