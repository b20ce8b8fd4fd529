import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "yaml-limit-exceeded",
    area: "core",
    category: "input",
    severity: "error",
    description: "A YAML document nests deeper, or a file holds more documents, than meshlint reads; the excess is not read.",
    messages: {
      depth: "This document nests mappings and lists more than {{limit}} levels deep, meshlint's limit; it was not read.",
      documents: "This file holds more than {{limit}} YAML documents, meshlint's limit; this document and the ones after it were not read.",
    },
  },
});
