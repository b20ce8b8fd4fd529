import type { Diagnostic } from "../engine/diagnostic.js";
import { oneLine } from "./locations.js";
import type { Reporter } from "./reporter.js";
import { summaryLine } from "./summary.js";

const LEVEL = { error: "Error", warning: "Warning", info: "Info" } as const;

/**
 * ESLint's compact format, one finding per line, which VS Code's built-in `$eslint-compact` problem matcher reads:
 * `file: line L, col C, Error - message (rule-id)`.
 */
export const compact: Reporter = (result) => {
  const lines = result.diagnostics.map(
    (d) => `${where(d)}: line ${d.span?.line ?? 1}, col ${d.span?.column ?? 1}, ${LEVEL[d.severity]} - ${oneLine(d.message)} (${d.ruleId})`,
  );
  lines.push("", summaryLine(result.summary));
  return `${lines.join("\n")}\n`;
};

/** The file, or for a resource that came from no file its logical location. */
function where(d: Diagnostic): string {
  if (d.file !== undefined) return oneLine(d.file);
  return d.resource ? oneLine(`${d.resource.kind}/${d.resource.namespace ? `${d.resource.namespace}/` : ""}${d.resource.name}`) : "meshlint";
}
