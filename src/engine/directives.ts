import type { SourceFile } from "../load/source-file.js";
import type { Config } from "./config.js";
import { type Diagnostic, compareDiagnostics, fingerprint } from "./diagnostic.js";
import { resolveSeverity } from "./finalize.js";
import { type RuleCatalog, isCode } from "./catalog.js";
import { formatMessage } from "./rule.js";
import { addTo } from "../base/multimap.js";

/** The rule that reports directives which suppress nothing (or name no rule). */
export const DIRECTIVE_RULE = "directive-unused";

export type DirectiveKind = "disable-next-line" | "disable-line" | "disable" | "enable";

/**
 * An inline comment directive:
 * `# meshlint-disable-next-line <ids> -- reason`, `# meshlint-disable-line <ids>` (at the end of the line it
 * silences), `# meshlint-disable <ids>` … `# meshlint-enable [<ids>]`. Ids are rule ids or IST/KIA codes,
 * separated by commas or spaces; none means every rule.
 */
export interface Directive {
  readonly kind: DirectiveKind;
  readonly ids: readonly string[];
  readonly reason?: string;
  /** 1-based line of the comment. */
  readonly line: number;
  /** Offsets of the comment, from its `#` to the end of its text. */
  readonly start: number;
  readonly end: number;
}

const DIRECTIVE = /(^|[ \t])#[ \t]*meshlint-(disable-next-line|disable-line|disable|enable)(?=[ \t]|$)([^\r\n]*)/;

/**
 * The directives of each source, kept while the source lives: the language server hands the same sources to every
 * relint, and re-reading all of a 10k-object repository's texts after each edit was a sixth of an edit's CPU.
 */
const directivesOf = new WeakMap<SourceFile, readonly Directive[]>();

function sourceDirectives(source: SourceFile): readonly Directive[] {
  let found = directivesOf.get(source);
  // (A file known to hold no `meshlint-` is not read: with --cache, unchanged files' texts are read only when needed.)
  if (!found) directivesOf.set(source, (found = source.mayHoldDirectives ? parseDirectives(source.text) : []));
  return found;
}

/** Every directive in a file's text, in order. A `#` counts as a comment only at a line start or after a blank. */
export function parseDirectives(text: string): Directive[] {
  if (!text.includes("meshlint-")) return [];
  const out: Directive[] = [];
  let lineStart = 0;
  let line = 1;
  // Lines end at LF, CRLF or a lone CR, as YAML parsers and the position code read them.
  const lineBreak = /\r\n?|\n/g;
  while (lineStart <= text.length) {
    lineBreak.lastIndex = lineStart;
    const found = lineBreak.exec(text);
    const lineEnd = found ? found.index : text.length;
    const lineText = text.slice(lineStart, lineEnd);
    const m = lineText.includes("meshlint-") ? DIRECTIVE.exec(lineText) : null;
    if (m) {
      const rest = (m[3] ?? "").trimEnd();
      const cut = /(?:^|\s)--(?:\s|$)/.exec(rest);
      const list = cut ? rest.slice(0, cut.index) : rest;
      const reason = cut ? rest.slice(cut.index + cut[0].length).trim() : "";
      const start = lineStart + m.index + (m[1] ?? "").length;
      out.push({
        kind: m[2] as DirectiveKind,
        ids: list.split(/[\s,]+/).filter(Boolean),
        ...(reason ? { reason } : {}),
        line,
        start,
        end: lineStart + m.index + m[0].trimEnd().length,
      });
    }
    if (!found) break;
    lineStart = found.index + found[0].length;
    line++;
  }
  return out;
}

/** One id of one directive (`*` for a directive naming none), and whether it silenced anything. */
interface Entry {
  readonly directive: Directive;
  readonly id: string;
  /** For blocks: the offsets between which findings are silenced. */
  readonly from: number;
  to: number;
  used: boolean;
}

const matches = (id: string, d: Diagnostic): boolean => id === "*" || id === d.ruleId || (isCode(id) && d.codes.includes(id.toUpperCase()));

/**
 * Applies the inline directives of every file with findings or directives: drops the findings they silence and
 * adds a `directive-unused` finding for each directive id that silenced nothing, or that names no rule or code.
 */
export function applyDirectives(
  diagnostics: readonly Diagnostic[],
  sources: ReadonlyMap<string, SourceFile>,
  catalog: RuleCatalog,
  config: Config,
): { diagnostics: Diagnostic[]; suppressed: number } {
  const kept: Diagnostic[] = [];
  const added: Diagnostic[] = [];
  let suppressed = 0;
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    if (d.file === undefined || !d.span) kept.push(d);
    else {
      const list = byFile.get(d.file);
      if (list) list.push(d);
      else byFile.set(d.file, [d]);
    }
  }
  const rule = catalog.get(DIRECTIVE_RULE);
  for (const [file, source] of sources) {
    const directives = sourceDirectives(source);
    const inFile = byFile.get(file) ?? [];
    byFile.delete(file);
    if (directives.length === 0) {
      kept.push(...inFile);
      continue;
    }
    const { lines, blocks, problems } = entriesOf(directives, catalog);
    for (const d of inFile) {
      const span = d.span!;
      const hits = [
        ...(lines.get(span.line) ?? []).filter((e) => matches(e.id, d)),
        ...blocks.filter((e) => e.from < span.start && span.start < e.to && matches(e.id, d)),
      ];
      for (const e of hits) e.used = true;
      if (hits.length) suppressed++;
      else kept.push(d);
    }
    if (!rule) continue;
    const severity = resolveSeverity(rule, [], config);
    if (severity === "off") continue;
    const unused = [...[...lines.values()].flat(), ...blocks].filter((e) => !e.used);
    const report = (directive: Directive, messageId: string, data: Record<string, string>) => {
      const message = formatMessage(rule.meta.messages[messageId] ?? messageId, data);
      added.push({
        ruleId: DIRECTIVE_RULE,
        messageId,
        severity,
        message,
        codes: [],
        path: [],
        file,
        span: source.span(directive.start, directive.end),
        related: [],
        fingerprint: fingerprint([DIRECTIVE_RULE, file, message]),
      });
    };
    for (const p of problems) report(p.directive, p.messageId, p.data);
    for (const e of unused) {
      const directive = `meshlint-${e.directive.kind}`;
      if (e.id === "*") report(e.directive, "unusedAll", { directive });
      else report(e.directive, "unused", { directive, id: e.id });
    }
  }
  for (const rest of byFile.values()) kept.push(...rest);
  const all = [...kept, ...added];
  all.sort(compareDiagnostics);
  return { diagnostics: all, suppressed };
}

interface Problem {
  readonly directive: Directive;
  readonly messageId: "unknownId" | "unmatchedEnable";
  readonly data: Record<string, string>;
}

/** Line directives by the line they silence, block ranges, and directives that are wrong in themselves. */
function entriesOf(directives: readonly Directive[], catalog: RuleCatalog) {
  const lines = new Map<number, Entry[]>();
  const blocks: Entry[] = [];
  const open = new Map<string, Entry>();
  const problems: Problem[] = [];
  for (const directive of directives) {
    const known = directive.ids.filter((id) => {
      const ok = catalog.get(id) !== undefined || (isCode(id) && catalog.withCode(id).length > 0);
      if (!ok) problems.push({ directive, messageId: "unknownId", data: { id } });
      return ok;
    });
    if (directive.ids.length > 0 && known.length === 0) continue;
    const ids = known.length ? known : ["*"];
    if (directive.kind === "enable") {
      const closing = directive.ids.length ? ids : [...open.keys()];
      if (closing.length === 0) problems.push({ directive, messageId: "unmatchedEnable", data: { id: "all rules" } });
      for (const id of closing) {
        const entry = open.get(id);
        if (entry) {
          entry.to = directive.start;
          open.delete(id);
        } else {
          problems.push({ directive, messageId: "unmatchedEnable", data: { id } });
        }
      }
      continue;
    }
    for (const id of ids) {
      const entry: Entry = { directive, id, from: directive.start, to: Number.POSITIVE_INFINITY, used: false };
      if (directive.kind === "disable") {
        if (open.has(id)) continue;
        open.set(id, entry);
        blocks.push(entry);
      } else {
        const target = directive.kind === "disable-next-line" ? directive.line + 1 : directive.line;
        addTo(lines, target, entry);
      }
    }
  }
  return { lines, blocks, problems };
}
