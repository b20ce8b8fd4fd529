import type { Diagnostic } from "../engine/diagnostic.js";
import type { RuleCatalog } from "../engine/catalog.js";
import type { Severity } from "../engine/rule.js";
import { docUrlOf } from "./docs-url.js";
import { logicalWhere, oneLine } from "./locations.js";
import { printable } from "./printable.js";
import type { Reporter } from "./reporter.js";
import { summaryLine } from "./summary.js";

export const GITHUB_COMMAND: Record<Severity, "error" | "warning" | "notice"> = { error: "error", warning: "warning", info: "notice" };

/** Workflow-command data: `%`, CR and LF escaped (GitHub's toolkit rules). */
export const escapeData = (s: string): string => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

/** Workflow-command property values: as data, plus `:` and `,`. */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, "%3A").replace(/,/g, "%2C");

export interface Annotation {
  readonly command: "error" | "warning" | "notice";
  /** `title`, `file`, `line`, `endLine`, `col`, `endColumn`, in that order, only those that apply. */
  readonly properties: ReadonlyArray<readonly [string, string | number]>;
  readonly message: string;
}

/**
 * A finding as a GitHub annotation: title = rule id; the message carries the help, the other tools' codes and
 * the rule's doc address. Columns are given only for a single-line range (GitHub ignores them otherwise).
 */
export function annotationOf(d: Diagnostic, catalog: RuleCatalog): Annotation {
  const props: [string, string | number][] = [["title", d.ruleId]];
  if (d.file !== undefined) props.push(["file", oneLine(d.file)]);
  if (d.span) {
    props.push(["line", d.span.line], ["endLine", d.span.endLine]);
    if (d.span.line === d.span.endLine) props.push(["col", d.span.column], ["endColumn", d.span.endColumn]);
  }
  const where = d.file === undefined ? logicalWhere(d) : undefined;
  const url = docUrlOf(catalog, d.ruleId);
  const tail = [d.codes.join(", "), url].filter(Boolean).join(" · ");
  const message = [where ? `${where}: ${printableLines(d.message)}` : printableLines(d.message), d.help && printableLines(d.help), tail].filter(Boolean).join("\n");
  return { command: GITHUB_COMMAND[d.severity], properties: props, message };
}

/**
 * Message text for an annotation: line breaks stay (escapeData turns them into `%0A`, which GitHub shows as a line
 * break inside the annotation, never as a log line of its own); every other control character is escaped.
 */
const printableLines = (s: string): string => s.split(/\r?\n/).map(printable).join("\n");

export function formatCommand(a: Annotation): string {
  const props = a.properties.map(([k, v]) => `${k}=${escapeProperty(String(v))}`).join(",");
  return `::${a.command}${props ? ` ${props}` : ""}::${escapeData(a.message)}`;
}

/** GitHub Actions workflow commands, one per finding, then the summary line as plain log text. */
export const github: Reporter = (result, env) => {
  const lines = result.diagnostics.map((d) => formatCommand(annotationOf(d, env.catalog)));
  lines.push(summaryLine(result.summary));
  return `${lines.join("\n")}\n`;
};
