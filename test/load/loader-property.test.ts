// A property run of the loader alone (parse and positions, no rules, no CLI): thousands of generated YAML and JSON
// texts, where test/fuzz.test.ts can afford a few hundred whole-CLI runs. The fuzz run's generators (tools/fuzz-cases.ts)
// without its costliest transports (other encodings, 200 kB lines, 2,000-deep nesting, which the whole-CLI property
// keeps), and the same seed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SourceSpan } from "../../src/load/origin.js";
import { parseManifests } from "../../src/load/load.js";
import { lightYamlTextArb } from "../../tools/fuzz-cases.js";

const SEED = 17;
const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The text the loader parses from a generated file (UTF-8 without its BOM), or undefined for other encodings. */
function textOf(bytes: Uint8Array): string | undefined {
  try {
    return utf8.decode(bytes).replace(/^\ufeff/, "");
  } catch {
    return undefined;
  }
}

/** What is wrong with a span in a text: outside it, reversed, or at a line and column that are not its offset's. */
function spanProblem(span: SourceSpan, text: string): string | undefined {
  if (!(span.start >= 0 && span.start <= span.end && span.end <= text.length)) return `span ${span.start}-${span.end} outside 0-${text.length}`;
  const before = text.slice(0, span.start).replace(/\r\n?/g, "\n");
  const line = before.split("\n").length;
  const column = span.start - Math.max(text.lastIndexOf("\n", span.start - 1), text.lastIndexOf("\r", span.start - 1));
  if (span.line !== line || span.column !== column) return `span at ${span.start} says ${span.line}:${span.column}, the text ${line}:${column}`;
  return undefined;
}

/** Resources' data and the issues' rule ids and start positions: what must not move with the line ends. */
function summary(text: string) {
  const parsed = parseManifests("m.yaml", text);
  return {
    parsed,
    resources: parsed.resources.map((r) => JSON.stringify(r.data)),
    issues: parsed.issues.map((i) => `${i.ruleId} ${i.span ? `${i.span.line}:${i.span.column}` : "-"}`),
  };
}

describe("the loader on generated text (a property run of thousands of cases)", () => {
  it("never throws; every issue and every resource's position lies in the text, at its offset's line and column; line ends move nothing", () => {
    let checked = 0;
    fc.assert(
      fc.property(lightYamlTextArb, (input) => {
        const raw = textOf(input.bytes);
        if (raw === undefined) return;
        checked++;
        const seen = summary(raw);
        const { parsed } = seen;
        const problems: string[] = [];
        for (const issue of parsed.issues) {
          const problem = issue.span && spanProblem(issue.span, raw);
          if (problem) problems.push(`${issue.ruleId}: ${problem}`);
        }
        for (const r of parsed.resources) {
          for (const path of [[], ["metadata"], ["metadata", "name"], ["spec"], ["kind"]]) {
            const span = r.origin.locate(path);
            const problem = span && spanProblem(span, raw);
            if (problem) problems.push(`${JSON.stringify(path)}: ${problem}`);
          }
        }
        // The same file with LF line ends: the same objects, the same findings at the same lines and columns.
        const lf = raw.replace(/\r\n?/g, "\n");
        if (lf !== raw) {
          const a = summary(lf);
          if (JSON.stringify([a.resources, a.issues]) !== JSON.stringify([seen.resources, seen.issues])) {
            problems.push(`line ends moved something: LF ${JSON.stringify(a.issues)} vs ${JSON.stringify(seen.issues)}`);
          }
        }
        if (problems.length) throw new Error(`${input.name}: ${problems.join("; ")}\n${raw.slice(0, 1500)}`);
      }),
      { seed: SEED, numRuns: 3000 },
    );
    expect(checked).toBe(3000);
  }, 300_000);
});
