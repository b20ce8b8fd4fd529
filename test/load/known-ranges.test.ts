// --cache keeps the ranges a run located in a file, and a later run whose parse of the file was kept looks them up
// instead of parsing the file again (SourceFile.rememberRangesIn).
import { describe, expect, it } from "vitest";
import { type KnownRanges, SourceFile } from "../../src/load/source-file.js";

const TEXT = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: shop\n";

function record(): KnownRanges & { readonly kept: Map<string, readonly [number, number] | 0> } {
  const kept = new Map<string, readonly [number, number] | 0>();
  return { kept, get: (key) => kept.get(key), set: (key, range) => void kept.set(key, range) };
}

describe("known ranges", () => {
  it("notes what it locates, found or not, and the same file read later gives the same positions from them", () => {
    const ranges = record();
    const first = new SourceFile("a.yaml", TEXT, TEXT, true);
    first.rememberRangesIn(ranges);
    const name = first.locate(0, ["metadata", "name"]);
    expect(name).toMatchObject({ line: 4, column: 9 });
    expect(first.locate(3, ["kind"])).toBeUndefined();
    expect([...ranges.kept.values()]).toEqual([[name!.start, name!.end], 0]);

    const later = SourceFile.deferred("a.yaml", () => ({ text: TEXT, parsedText: TEXT }), true, undefined, false);
    later.rememberRangesIn(ranges);
    expect(later.locate(0, ["metadata", "name"])).toEqual(name);
    expect(later.locate(3, ["kind"])).toBeUndefined();
  });

  it("uses a known range rather than parsing the file again", () => {
    const ranges = record();
    const source = new SourceFile("a.yaml", TEXT, TEXT, true);
    source.rememberRangesIn(ranges);
    const key = [...(source.locate(0, ["kind"]) ? ranges.kept.keys() : [])][0]!;
    // A range no parse of this text gives: only a lookup can have answered.
    ranges.kept.set(key, [0, 3]);
    const again = new SourceFile("a.yaml", TEXT, TEXT, true);
    again.rememberRangesIn(ranges);
    expect(again.locate(0, ["kind"])).toMatchObject({ start: 0, end: 3, line: 1, column: 1, endColumn: 4 });
  });

  it("gives no position from a known range when the file no longer holds the text that was parsed", () => {
    const ranges = record();
    const first = new SourceFile("a.yaml", TEXT, TEXT, true);
    first.rememberRangesIn(ranges);
    expect(first.locate(0, ["metadata", "namespace"])).toBeDefined();
    const changed = SourceFile.deferred("a.yaml", () => undefined, true, undefined, false);
    changed.rememberRangesIn(ranges);
    expect(changed.locate(0, ["metadata", "namespace"])).toBeUndefined();
    // Nor is what it could not locate noted as known.
    expect(changed.locate(0, ["metadata", "labels"])).toBeUndefined();
    expect(ranges.kept.size).toBe(1);
  });
});
