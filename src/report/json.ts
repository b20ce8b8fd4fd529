import type { Diagnostic } from "../engine/diagnostic.js";
import { formatPath } from "../engine/diagnostic.js";
import { docUrlOf } from "./docs-url.js";
import type { Reporter } from "./reporter.js";

/** Version of the JSON output contract (DESIGN.md); bumped on any incompatible change. */
export const JSON_OUTPUT_VERSION = 1;

export const json: Reporter = (result, env) =>
  `${JSON.stringify(
    {
      version: JSON_OUTPUT_VERSION,
      summary: result.summary,
      diagnostics: result.diagnostics.map((d) => toJson(d, docUrlOf(env.catalog, d.ruleId))),
    },
    null,
    2,
  )}\n`;

function toJson(d: Diagnostic, docsUrl: string | undefined) {
  return {
    ruleId: d.ruleId,
    severity: d.severity,
    message: d.message,
    ...(d.help ? { help: d.help } : {}),
    codes: d.codes,
    ...(d.file !== undefined ? { file: d.file } : {}),
    ...(d.span ? { line: d.span.line, column: d.span.column, endLine: d.span.endLine, endColumn: d.span.endColumn } : {}),
    path: formatPath(d.path),
    ...(d.resource ? { resource: d.resource } : {}),
    related: d.related.map((r) => ({
      ...(r.file !== undefined ? { file: r.file } : {}),
      ...(r.span ? { line: r.span.line, column: r.span.column } : {}),
      ...(r.resource ? { resource: r.resource } : {}),
      message: r.message,
    })),
    fingerprint: d.fingerprint,
    ...(docsUrl ? { docsUrl } : {}),
  };
}
