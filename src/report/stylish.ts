import { Chalk, type ChalkInstance } from "chalk";
import type { LintResult } from "../api.js";
import { type Diagnostic, formatPath } from "../engine/diagnostic.js";
import type { RuleCatalog } from "../engine/catalog.js";
import type { Severity } from "../engine/rule.js";
import type { SourceFile } from "../load/source-file.js";
import { docUrlOf } from "./docs-url.js";
import { oneLine } from "./locations.js";
import { visibleLine } from "./printable.js";
import type { Reporter } from "./reporter.js";
import { summaryLine } from "./summary.js";
import { toPosix } from "../load/ignore-rules.js";
import { relative } from "node:path";

const SYMBOL: Record<Severity, string> = { error: "✖", warning: "⚠", info: "ℹ" };

/**
 * The default terminal output, in the look of eslint-formatter-pretty (underlined file header, aligned
 * `line:col`, severity symbols, dimmed rule ids), with a code frame under each finding.
 */
export const stylish: Reporter = (result, env) => {
  const c = new Chalk({ level: env.color ? 1 : 0 });
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue };
  const groups = groupByLocation(result.diagnostics);
  const out: string[] = header(result, env.cwd, c);
  for (const [header, diagnostics] of groups) {
    out.push("", `  ${c.underline(oneLine(header))}`);
    const width = Math.max(...diagnostics.map((d) => position(d).length));
    for (const d of diagnostics) {
      const pos = position(d).padStart(width);
      const codes = d.codes.length ? ` ${c.dim(d.codes.join(" "))}` : "";
      out.push(`  ${paint[d.severity](SYMBOL[d.severity])}  ${c.dim(pos)}  ${oneLine(d.message)}  ${c.dim(d.ruleId)}${codes}`);
      const indent = " ".repeat(width + 7);
      if (d.file === undefined && d.resource) out.push(`${indent}${c.dim(`at ${oneLine(formatPath(d.path))}`)}`);
      const source = d.file !== undefined ? result.sources.get(d.file) : undefined;
      if (source && d.span) out.push(...codeFrame(source, d, indent, c, paint[d.severity]));
      if (d.help) out.push(`${indent}${c.cyan("help:")} ${oneLine(d.help)}`);
    }
  }
  out.push(...docLinks(result, env.catalog, c));
  out.push("", summaryText(result, c, env.failed ?? false), "");
  return out.join("\n");
};

/** Which configuration applied, and what was rendered: a run is only as good as what it read. */
function header(result: LintResult, cwd: string | undefined, c: ChalkInstance): string[] {
  const file = result.config.file;
  const shown = file === undefined ? "none (the defaults)" : cwd ? toPosix(relative(cwd, file)) || file : file;
  const out = [`  ${c.dim("Config:")} ${shown}`];
  if (result.deployments.length) {
    const roots = result.deployments.map((d) => `${d.name} (${d.tool}, ${d.resources} object${d.resources === 1 ? "" : "s"}${d.declaredBy ? `, ${d.declaredBy}` : ""})`);
    out.push(`  ${c.dim("Rendered:")} ${roots.join(", ")}`);
  }
  return out;
}

/** Each rule that reported something, once, with its documentation address. */
function docLinks(result: LintResult, catalog: RuleCatalog, c: ChalkInstance): string[] {
  const ids = [...new Set(result.diagnostics.map((d) => d.ruleId))].sort();
  const urls = ids.map((id) => [id, docUrlOf(catalog, id)] as const).filter((e): e is readonly [string, string] => e[1] !== undefined);
  if (urls.length === 0) return [];
  const width = Math.max(...urls.map(([id]) => id.length));
  return ["", `  ${c.dim("Rule docs:")}`, ...urls.map(([id, url]) => `    ${c.dim(id.padEnd(width))}  ${url}`)];
}

function summaryText(result: LintResult, c: ChalkInstance, failed: boolean): string {
  const { summary } = result;
  const line = summaryLine(summary);
  if (summary.errors || failed) return `  ${c.red(SYMBOL.error)} ${line}`;
  if (summary.warnings) return `  ${c.yellow(SYMBOL.warning)} ${line}`;
  return `  ${c.green("✔")} ${line}`;
}

const position = (d: Diagnostic): string => (d.span ? `${d.span.line}:${d.span.column}` : "");

function groupByLocation(diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const key =
      d.file ?? (d.resource ? `${d.resource.kind} ${d.resource.namespace ? `${d.resource.namespace}/` : ""}${d.resource.name}` : "meshlint");
    const list = groups.get(key);
    if (list) list.push(d);
    else groups.set(key, [d]);
  }
  return groups;
}

/** Two lines of context above the finding, its line, and a caret underline of its range (first line only). */
function codeFrame(
  source: SourceFile,
  d: Diagnostic,
  indent: string,
  c: ChalkInstance,
  paint: (s: string) => string,
): string[] {
  const span = d.span;
  if (!span) return [];
  const first = Math.max(1, span.line - 2);
  const gutter = String(span.line).length;
  const lines: string[] = [];
  for (let n = first; n <= span.line; n++) {
    const text = visibleLine(source.lineText(n));
    const marker = n === span.line ? paint(">") : " ";
    lines.push(`${indent}${marker} ${c.dim(`${String(n).padStart(gutter)} |`)} ${n === span.line ? text : c.dim(text)}`);
  }
  const lineText = source.lineText(span.line);
  const endColumn = span.endLine === span.line ? span.endColumn : lineText.length + 1;
  const carets = "^".repeat(Math.max(1, Math.min(endColumn, lineText.length + 1) - span.column));
  lines.push(`${indent}  ${c.dim(`${" ".repeat(gutter)} |`)} ${" ".repeat(span.column - 1)}${paint(carets)}`);
  return lines;
}
