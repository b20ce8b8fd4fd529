import { defineRule } from "../../src/engine/rule.js";

export default defineRule({
  meta: {
    id: "file-skipped",
    area: "core",
    category: "input",
    severity: "warning",
    description: "An input file was not linted: it is binary, not UTF-8, too large, past the total size of the inputs, or excluded by an ignore file.",
    messages: {
      binary: "Binary file skipped: it contains NUL bytes, so it is not a manifest.",
      notUtf8: "File skipped: its encoding is {{encoding}}; manifests must be UTF-8.",
      tooLarge: "File skipped: it is {{size}} bytes, over the {{limit}}-byte limit (raise it with --max-file-size).",
      totalTooLarge:
        "File skipped: its {{size}} bytes would take the files read past the {{limit}}-byte total (raise it with --max-total-size).",
      ignored: "File skipped: it matches a pattern in .gitignore, .meshlintignore or the config's ignore list.",
    },
  },
});
