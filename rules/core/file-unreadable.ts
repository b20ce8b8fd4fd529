import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "file-unreadable",
    area: "core",
    category: "input",
    severity: "error",
    description: "An input file could not be read, so nothing in it was checked.",
    messages: { unreadable: "File could not be read ({{reason}})." },
  },
});
