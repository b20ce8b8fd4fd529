// What parsed manifests keep alive. A heap measurement, not a timing: the amounts compared differ several times over.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { fastStream } from "../../src/load/fast-yaml.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Heap in use after a full collection. */
function heapAfterGc(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

describe("fast-path data", () => {
  it("does not keep the parser's copy of the text alive through its long strings", () => {
    // 4,000 documents, each with one value long enough to be a slice of the parser's text (13+ characters) amid a
    // long comment: the text is about 8 MB, the values about 0.2 MB.
    const parse = () => {
      const filler = `# ${"x".repeat(2000)}\n`;
      const text = Array.from({ length: 4000 }, (_, i) => `${filler}apiVersion: v1\nkind: ConfigMap\nmetadata: { name: config-map-number-${i} }\n`).join("---\n");
      return { documents: fastStream(text)?.documents, length: text.length };
    };
    const before = heapAfterGc();
    const { documents, length } = parse();
    // RegExp.input (a legacy static) holds the last string any regular expression read: make it a small one.
    /x/.test("x");
    const held = heapAfterGc() - before;
    expect(documents).toHaveLength(4000);
    expect((documents?.[3999] as { metadata: { name: string } }).metadata.name).toBe("config-map-number-3999");
    expect(length).toBeGreaterThan(8_000_000);
    // Without interning, the slices held js-yaml's whole copy of the text (about `length` bytes).
    expect(held).toBeLessThan(length / 4);
  });

  it("keeps lists at their size (a list grown by pushes has room for sixteen items)", () => {
    const parse = () => fastStream(`apiVersion: v1\nkind: List\nitems:\n${Array.from({ length: 20_000 }, (_, i) => `  - [${i}]\n`).join("")}`)?.documents;
    const before = heapAfterGc();
    const documents = parse();
    /x/.test("x");
    const held = heapAfterGc() - before;
    expect((documents?.[0] as { items: number[][] }).items[19_999]).toEqual([19_999]);
    // Exact: about 20,000 × (8 + 32 + 24) bytes = 1.3 MB; with room for sixteen, 20,000 × (8 + 32 + 144) = 3.7 MB.
    expect(held).toBeLessThan(2_500_000);
  });
});
