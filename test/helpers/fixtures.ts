import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";
import { parse } from "yaml";
import { type LintOptions, type LintResult, lint } from "../../src/api.js";
import type { Diagnostic } from "../../src/engine/diagnostic.js";
import { type Config, emptyConfig } from "../../src/engine/config.js";
import type { JsonObject } from "../../src/model/resource.js";
import { PACKAGE_ROOT } from "../../src/base/package.js";

/** The repository's root, whether this runs from test/ or compiled into dist-tools/ (tools/pin-expectations.ts). */
export const ROOT = PACKAGE_ROOT;
export const RULE_FIXTURES = join(ROOT, "fixtures", "rules");

export interface Fixture {
  readonly ruleId: string;
  readonly kind: "valid" | "invalid";
  readonly path: string;
}

/** Every fixtures/rules/<rule-id>/{valid,invalid}/<file> (sidecar .options.yaml and .expect files excluded). */
export function ruleFixtures(): Fixture[] {
  if (!existsSync(RULE_FIXTURES)) return [];
  return readdirSync(RULE_FIXTURES).flatMap((ruleId) =>
    (["valid", "invalid"] as const).flatMap((kind) => {
      const dir = join(RULE_FIXTURES, ruleId, kind);
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((f) => !f.endsWith(".options.yaml") && !f.endsWith(".expect") && !f.startsWith("."))
        .sort()
        .map((f) => ({ ruleId, kind, path: join(dir, f) }));
    }),
  );
}

/**
 * Lints one fixture alone, isolated from any config file above it. A fixture is a file, or a folder (a chart, a
 * kustomization) whose expectations sit in a sibling `<folder>.expect`. A sibling `<file>.options.yaml` may set
 * `namespace`, `meshConfig` (a MeshConfig as data), `maxFileSize`, `maxTotalSize`, `config` (rules/settings as in .meshlint.yaml)
 * and `render` (`kustomizeCommand`, `helmCommand`: fixtures name them so that their result does not depend on the
 * tools installed).
 */
export async function lintFixture(path: string): Promise<LintResult> {
  const optionsFile = `${path}.options.yaml`;
  const o = (existsSync(optionsFile) ? parse(readFileSync(optionsFile, "utf8")) : {}) as {
    namespace?: string;
    meshConfig?: JsonObject;
    maxFileSize?: number;
    maxTotalSize?: number;
    config?: Partial<Config>;
    render?: { kustomizeCommand?: string; helmCommand?: string };
  };
  const dir = dirname(path);
  const options: LintOptions = {
    cwd: dir,
    config: { ...emptyConfig(dir), ...(o.config ?? {}) },
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.meshConfig ? { meshConfig: o.meshConfig } : {}),
    ...(o.maxFileSize ? { maxFileSize: o.maxFileSize } : {}),
    ...(o.maxTotalSize ? { maxTotalSize: o.maxTotalSize } : {}),
    ...(o.render ? { render: o.render } : {}),
  };
  return lint([basename(path)], options);
}

/*
 * Expectations. A finding is written down as `rule-id/messageId@column` in a comment on the line it starts at:
 *
 *     host: nope   # expect: virtualservice-host-not-found/notFound@11
 *
 * (the column is 1-based, where the finding's span starts: the value for a report about a value, the key for a
 * report about a key or a whole mapping; several findings on one line are separated by commas). A finding about a
 * file as a whole has no position: `# expect-file: rule-id/messageId` anywhere in the file, or a line
 * `rule-id/messageId` in a sibling `<file>.expect` for files that cannot hold comments.
 */

/** One item of an expectation comment as written; `messageId` and `column` are absent in the retired short form. */
export interface ExpectationItem {
  readonly text: string;
  readonly ruleId: string;
  readonly messageId?: string;
  readonly column?: number;
}

/** One `# expect:` / `# expect-file:` comment, or one line of a `.expect` sidecar (`line` undefined). */
export interface ExpectationComment {
  /** 1-based line of the fixture the comment is on; undefined for a sidecar line. */
  readonly line: number | undefined;
  readonly scope: "line" | "file";
  readonly items: readonly ExpectationItem[];
  /** Offsets of the item list in the line (for tools that rewrite it). */
  readonly from: number;
  readonly to: number;
}

export class ExpectationError extends Error {}

const COMMENT = /#\s*expect(-file)?\s*:(.*)$/;
const ITEM = /^([a-z0-9]+(?:-[a-z0-9]+)*)(?:\/([A-Za-z][A-Za-z0-9]*))?(?:@(\d+))?$/;
const FULL_FORM = "`# expect: <rule-id>/<messageId>@<column>` (a finding about the whole file: `# expect-file: <rule-id>/<messageId>`)";

function parseItems(list: string, where: string): ExpectationItem[] {
  return list
    .split(",")
    .map((s) => s.trim())
    .map((text) => {
      const m = ITEM.exec(text);
      if (!m) throw new ExpectationError(`${where}: cannot read the expectation "${text}"; write ${FULL_FORM}`);
      return { text, ruleId: m[1]!, ...(m[2] ? { messageId: m[2] } : {}), ...(m[3] ? { column: Number(m[3]) } : {}) };
    });
}

/** Every expectation a fixture holds, as written (short forms included); throws on what cannot be read at all. */
export function expectationComments(path: string): ExpectationComment[] {
  const shown = relative(ROOT, path);
  const out: ExpectationComment[] = [];
  const sidecar = `${path}.expect`;
  if (existsSync(sidecar)) {
    for (const [i, line] of readFileSync(sidecar, "utf8").split("\n").entries()) {
      if (!line.trim()) continue;
      const items = parseItems(line, `${shown}.expect:${i + 1}`);
      out.push({ line: undefined, scope: "file", items, from: 0, to: line.length });
    }
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return out; // a dangling link or unreadable file: only its sidecar speaks for it
  }
  for (const [i, line] of text.split("\n").entries()) {
    const m = COMMENT.exec(line);
    if (!m) continue;
    const list = m[2] ?? "";
    const from = m.index + m[0].length - list.length;
    out.push({ line: i + 1, scope: m[1] ? "file" : "line", items: parseItems(list, `${shown}:${i + 1}`), from, to: line.length });
  }
  return out;
}

/** `12:7 rule-id/messageId` for a finding at line 12, column 7; `file rule-id/messageId` for one about the file. */
const finding = (line: number | undefined, column: number | undefined, ruleId: string, messageId: string) =>
  line === undefined ? `file ${ruleId}/${messageId}` : `${line}:${column} ${ruleId}/${messageId}`;

const byPosition = (a: string, b: string): number => {
  const pa = /^(\d+):(\d+) /.exec(a);
  const pb = /^(\d+):(\d+) /.exec(b);
  if (pa && pb) return Number(pa[1]) - Number(pb[1]) || Number(pa[2]) - Number(pb[2]) || (a < b ? -1 : a > b ? 1 : 0);
  if (pa || pb) return pa ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
};

/**
 * The findings a fixture declares, in the form `actualFindings` gives. Every expectation must be complete: the short
 * form of earlier fixtures (`# expect: rule-id`) fails, saying what to write instead.
 */
export function declaredFindings(path: string): string[] {
  const shown = relative(ROOT, path);
  const out: string[] = [];
  for (const c of expectationComments(path)) {
    const where = c.line === undefined ? `${shown}.expect` : `${shown}:${c.line}`;
    for (const item of c.items) {
      if (!item.messageId) {
        throw new ExpectationError(
          `${where}: "${item.text}" names no message; expectations pin the message id and the column: write ${FULL_FORM}. ` +
            "`npm run build:tools && node dist-tools/tools/pin-expectations.js <fixture>` fills them in from what the linter reports.",
        );
      }
      if (c.scope === "file" && item.column !== undefined) {
        throw new ExpectationError(`${where}: "${item.text}": a finding about the whole file has no column; write \`${item.ruleId}/${item.messageId}\``);
      }
      if (c.scope === "line" && item.column === undefined) {
        throw new ExpectationError(`${where}: "${item.text}" has no column; write \`${item.ruleId}/${item.messageId}@<column>\` (1-based, where the finding starts)`);
      }
      out.push(finding(c.scope === "file" ? undefined : c.line, item.column, item.ruleId, item.messageId));
    }
  }
  return out.sort(byPosition);
}

/** One diagnostic in the form expectations are written in. */
export const findingOf = (d: Diagnostic): string => finding(d.span?.line, d.span?.column, d.ruleId, d.messageId);

/** What linting a fixture found, in the form `declaredFindings` gives. */
export const actualFindings = (result: LintResult): string[] => result.diagnostics.map(findingOf).sort(byPosition);
