import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { FieldPath } from "../../src/base/json.js";
import { FastRanges } from "../../src/load/fast-ranges.js";
import { fastStream } from "../../src/load/fast-yaml.js";
import { protectGluedColons } from "../../src/load/go-yaml.js";
import { lineBreaksAsLf } from "../../src/load/load.js";
import { isEmptyDocument, locateInDocument, parseYamlStream } from "../../src/load/yaml.js";
import { ROOT } from "../helpers/fixtures.js";

// Positions of fast-path files come from js-yaml (fast-ranges.ts), of the others from `yaml`. Both must give the
// same range for every field, or a finding would move depending on which parser read its file.

// "key" and "value" between them cover the default (a leaf's value, a collection's key) but for a collection with
// no key, which the hand-written cases below cover.
const PARTS = ["key", "value"] as const;

/** Every path into a value, plus one missing child per collection (which falls back to its parent). */
function* pathsOf(value: unknown, path: (string | number)[] = []): Generator<FieldPath> {
  yield path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* pathsOf(value[i], [...path, i]);
    yield [...path, value.length];
  } else if (typeof value === "object" && value !== null) {
    for (const [k, v] of Object.entries(value)) yield* pathsOf(v, [...path, k]);
    yield [...path, "no-such-field"];
  }
}

/** Differences between the two parsers' ranges over every path of every document; undefined when not fast. */
function compare(text: string): { checked: number; differences: string[]; built: boolean } | undefined {
  const lineBroken = lineBreaksAsLf(text);
  const parsed = protectGluedColons(lineBroken) ?? lineBroken;
  const fast = fastStream(parsed);
  const values = fast?.documents.filter((v) => v !== null && v !== undefined);
  if (!values) return undefined;
  const ranges = FastRanges.of(parsed);
  if (!ranges) return { checked: 0, differences: [], built: false };
  const documents = parseYamlStream(parsed).documents.filter((d) => !isEmptyDocument(d));
  const differences: string[] = [];
  let checked = 0;
  // Past the document limit yaml composes none; js-yaml's ranges cover the whole stream.
  if (fast!.overflowAt === undefined ? documents.length !== ranges.documentCount : documents.length > ranges.documentCount) differences.push(`${documents.length} documents, ${ranges.documentCount} with ranges`);
  values.forEach((value, i) => {
    for (const path of pathsOf(value)) {
      for (const part of path.length === 0 ? [undefined, ...PARTS] : PARTS) {
        checked++;
        const expected = locateInDocument(documents[i]!, parsed, path, part);
        const actual = ranges.locate(i, path, part);
        if (expected?.start !== actual?.start || expected?.end !== actual?.end) {
          differences.push(`document ${i} ${JSON.stringify(path)} ${part ?? ""}: yaml ${JSON.stringify(expected)}, js-yaml ${JSON.stringify(actual)}`);
        }
      }
    }
  });
  return { checked, differences, built: true };
}

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && /\.ya?ml$/.test(e.name))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

describe("positions: js-yaml's ranges equal yaml's", () => {
  it("on every field of every fixture file that has findings (invalid rule fixtures, repositories, the demo)", () => {
    let fast = 0;
    let built = 0;
    let checked = 0;
    const differences: string[] = [];
    // Valid fixtures have no findings to place; leaving them out halves the time (the `yaml` parse dominates).
    const files = yamlFiles(join(ROOT, "fixtures")).filter((f) => !f.includes("/valid/"));
    for (const file of files) {
      const result = compare(readFileSync(file, "utf8"));
      if (!result) continue;
      fast++;
      if (result.built) built++;
      checked += result.checked;
      differences.push(...result.differences.map((d) => `${file}: ${d}`));
    }
    expect(differences).toEqual([]);
    expect(checked).toBeGreaterThan(20_000);
    // Files js-yaml reads but cannot place (merge keys, a BOM) fall back to yaml; nearly none among the fixtures.
    expect(built).toBeGreaterThan(fast * 0.95);
  });

  it("on block scalars, comments, anchors, empty values, flow collections, CRLF and a missing final newline", () => {
    const cases = [
      "a: |\n  one\n  two\n\n\nb: 1\n",
      "a: |+\n  one\n\n\nb: |-\n  two\n\n",
      "a: >2\n   indented\n  \nb: >+\n  folded\n\n",
      "a: x   # comment\nb: 'q'  \nc: \"d\" # c\n",
      "a: &anchor\n  x: 1\nb: !!str 2\nc: &s plain\n",
      "a:\nb:   \nc: # nothing\nd:\n  -\n    x: 1\n",
      "list:\n  - { name: v1, labels: { version: v1 } }\n  - [1, 2]\n  - name: v2\n",
      "a:\r\n  b: 1\r\n  c: [x, y]\r\n",
      "spec:\n  host: reviews\n  subsets:\n    - name: v1\n      labels:\n        version: v1",
      "? complex\n: value\n80: port\ntrue: yes\n'quoted key': 1\n",
      "---\n# only a comment\n---\napiVersion: v1\nkind: A\n---\n...\n---\nkind: B\n",
    ];
    for (const text of cases) {
      const result = compare(text);
      expect(result?.built, JSON.stringify(text)).toBe(true);
      expect(result?.differences, JSON.stringify(text)).toEqual([]);
    }
  });

  it("falls back to yaml where js-yaml cannot place nodes", () => {
    expect(FastRanges.of("\uFEFFa: 1\n")).toBeUndefined();
    expect(FastRanges.of("a:\n  <<: { x: 1 }\n  y: 2\n")).toBeUndefined();
    expect(FastRanges.of("a: [1, 2\n")).toBeUndefined();
    // An empty sequence item: js-yaml reads no node for it.
    expect(FastRanges.of("a:\n  -\n  - x\n")).toBeUndefined();
  });
});
