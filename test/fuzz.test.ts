// Property-based tests: the promises of the brief (bad input never crashes meshlint and never loses anything), checked
// on generated inputs with a fixed seed, so a failure reproduces. Kept to a few hundred inputs per property for the
// suite's time; `npm run fuzz` runs the same generators for longer, with time and memory bounds per input.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { LINE_END_VARIANTS, MUTATIONS, checkInput, findingsOf, fixtureFiles, hostileInputs, mutable, mutantName, mutate, yamlTextArb } from "../tools/fuzz-cases.js";
import { ROOT } from "./helpers/fixtures.js";

const cwd = mkdtempSync(join(tmpdir(), "meshlint-fuzz-test-"));
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

const SEED = 17;
const fixtures = fixtureFiles(ROOT);
const expectKept = async (outcome: Promise<{ problems: readonly string[] }>, name: string) => expect((await outcome).problems, name).toEqual([]);

describe("generated input keeps every promise (exit 0-2, no stack trace, no internal-error, positions inside the input)", () => {
  it("generated YAML and JSON text: styles, anchors and aliases, tags, line ends, BOM, encodings, deep nesting", async () => {
    await fc.assert(
      fc.asyncProperty(yamlTextArb, async (input) => {
        const { problems } = await checkInput(input, cwd);
        if (problems.length) throw new Error(`${input.name}: ${problems.join("; ")}\n${new TextDecoder().decode(input.bytes).slice(0, 2000)}`);
      }),
      { seed: SEED, numRuns: 120 },
    );
  }, 300_000);

  it("type-mutated copies of the valid fixtures: any field at any depth replaced by another type, a huge value, or removed", async () => {
    const valid = fixtures.filter((f) => f.includes("/valid/")).map((f) => mutable(ROOT, f)).filter((m) => m !== undefined && m.paths.length > 0);
    const triple = fc
      .integer({ min: 0, max: valid.length - 1 })
      .chain((i) => fc.tuple(fc.constant(i), fc.integer({ min: 0, max: valid[i]!.paths.length - 1 }), fc.integer({ min: 0, max: MUTATIONS.length - 1 })));
    await fc.assert(
      fc.asyncProperty(triple, async ([i, p, k]) => {
        const m = valid[i]!;
        const [name, mutation] = MUTATIONS[k]!;
        const input = { category: "mutant" as const, name: mutantName(m, m.paths[p]!, name), bytes: new TextEncoder().encode(mutate(m, m.paths[p]!, mutation)) };
        const { problems } = await checkInput(input, cwd);
        if (problems.length) throw new Error(`${input.name}: ${problems.join("; ")}`);
      }),
      { seed: SEED, numRuns: 150 },
    );
  }, 300_000);

  it("the hostile inputs the fuzz sweep found (patterns, alias bombs, huge lists, globs, deep nesting, prototype keys)", async () => {
    for (const input of hostileInputs().filter((i) => !i.heavy)) await expectKept(checkInput(input, cwd), input.name);
  }, 300_000);
});

describe("line ends and BOMs move no finding", () => {
  it("CRLF, CR-only, mixed and BOM copies of a sample of fixtures give the LF file's findings at the LF file's places", async () => {
    const sample = fixtures.filter((_, i) => i % 12 === 0);
    for (const file of sample) {
      const text = readFileSync(join(ROOT, file), "utf8").replace(/\r\n?/g, "\n");
      const expected = findingsOf(text, cwd);
      for (const [name, variant] of LINE_END_VARIANTS) {
        const input = { category: "line-ends" as const, name: `${file} (${name})`, bytes: new TextEncoder().encode(variant(text)), original: text };
        await expectKept(checkInput(input, cwd, () => expected), input.name);
      }
    }
  }, 300_000);
});
