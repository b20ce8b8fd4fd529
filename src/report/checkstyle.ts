import type { Diagnostic } from "../engine/diagnostic.js";
import { docUrlOf } from "./docs-url.js";
import { logicalWhere, oneLine } from "./locations.js";
import type { Reporter } from "./reporter.js";
import { xml } from "./xml.js";

/**
 * Checkstyle XML (read by Jenkins' warnings-ng, reviewdog, SonarQube and others): a `<file>` per file with
 * findings, an `<error>` per finding with `source="meshlint.<rule-id>"`; the message ends with the rule's doc
 * address. Findings about no file go under `<file name="meshlint">`, their message prefixed with the resource.
 */
export const checkstyle: Reporter = (result, env) => {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of result.diagnostics) {
    const key = d.file ?? "meshlint";
    const list = byFile.get(key);
    if (list) list.push(d);
    else byFile.set(key, [d]);
  }
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<checkstyle version="4.3">`];
  for (const [file, diagnostics] of byFile) {
    out.push(`  <file name="${xml(file)}">`);
    for (const d of diagnostics) {
      const where = d.file === undefined ? logicalWhere(d) : undefined;
      const url = docUrlOf(env.catalog, d.ruleId);
      const message = [where ? `${where}: ${oneLine(d.message)}` : oneLine(d.message), d.help && oneLine(d.help), url ? `(${url})` : ""].filter(Boolean).join(" ");
      const position = d.span ? ` line="${d.span.line}" column="${d.span.column}"` : "";
      out.push(`    <error${position} severity="${d.severity}" message="${xml(message)}" source="meshlint.${xml(d.ruleId)}"/>`);
    }
    out.push("  </file>");
  }
  out.push("</checkstyle>", "");
  return out.join("\n");
};
