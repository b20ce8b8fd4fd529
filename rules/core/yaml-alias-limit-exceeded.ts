import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "yaml-alias-limit-exceeded",
    area: "core",
    category: "input",
    severity: "error",
    description: "A YAML document expands too many aliases (an alias bomb), or uses more aliases than meshlint reads; it is not read.",
    messages: {
      aliasLimit: "This document expands too many YAML aliases and was not read (possible alias bomb).",
      aliasCount: "This document uses more than {{limit}} YAML aliases, meshlint's limit; it was not read.",
    },
  },
});
