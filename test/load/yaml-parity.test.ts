import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fastDocuments } from "../../src/load/fast-yaml.js";
import { goFloat, goInt } from "../../src/load/go-yaml.js";
import { looksLikeHelmTemplate } from "../../src/load/templates.js";
import { documentValue, parseYamlStream } from "../../src/load/yaml.js";
import { ROOT } from "../helpers/fixtures.js";

const slow = (text: string) =>
  parseYamlStream(text)
    .documents.map((d, i) => documentValue(d, i).value)
    .filter((v) => v !== null && v !== undefined);

const SCALARS = `
bools: [y, Y, yes, Yes, YES, true, on, ON, n, no, off, OFF, false, "yes", 'on']
nulls: [~, null, Null, NULL, "null"]
ints: [0, 7, -7, +12, 0755, 0o17, 0x1F, 0X1f, 0b101, 1_000, 08, 0_7]
floats: [1.5, .5, -.5, 1e3, 1.0e-2, .inf, -.Inf, 1.]
strings: [1:30, 2001-12-14, 2001-12-14T21:59:43.10-05:00, 0x, abc, "0755", .., 1.2.3, +]
merged:
  <<: { a: 1, b: 2 }
  b: 3
`;

describe("YAML fidelity (go-yaml v2, as Kubernetes reads manifests)", () => {
  it("resolves plain scalars as go-yaml v2 does, on both parsers", () => {
    const expected = {
      bools: [true, true, true, true, true, true, true, true, false, false, false, false, false, "yes", "on"],
      nulls: [null, null, null, null, "null"],
      ints: [0, 7, -7, 12, 493, 15, 31, 31, 5, 1000, 8, 7],
      floats: [1.5, 0.5, -0.5, 1000, 0.01, Infinity, -Infinity, 1],
      strings: ["1:30", "2001-12-14", "2001-12-14T21:59:43.10-05:00", "0x", "abc", "0755", "..", "1.2.3", "+"],
      merged: { a: 1, b: 3 },
    };
    expect(slow(SCALARS)).toEqual([expected]);
    expect(fastDocuments(SCALARS)).toEqual([expected]);
    expect(goInt("0x_")).toBeUndefined();
    expect(goFloat("abc")).toBeUndefined();
  });

  it("gives the same data on both paths for every fixture the fast path accepts", () => {
    let compared = 0;
    for (const entry of readdirSync(join(ROOT, "fixtures"), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ya?ml|json)$/.test(entry.name)) continue;
      let text: string;
      try {
        text = readFileSync(join(entry.parentPath, entry.name), "utf8");
      } catch {
        continue;
      }
      // Helm templates are not YAML until rendered, and the loader never parses them (it skips or renders them).
      if (looksLikeHelmTemplate(text)) continue;
      const fast = fastDocuments(text);
      if (!fast) continue;
      expect(fast.filter((v) => v !== null && v !== undefined), entry.name).toEqual(slow(text));
      compared++;
    }
    expect(compared).toBeGreaterThan(40);
  });

  it("leaves files with errors, duplicate keys, unknown tags or aliases to the positioned parser", () => {
    expect(fastDocuments("a: [1, 2\n")).toBeUndefined();
    expect(fastDocuments("a: 1\na: 2\n")).toBeUndefined();
    expect(fastDocuments("a: !!binary aGVsbG8=\n")).toBeUndefined();
    expect(fastDocuments("a: &x 1\nb: *x\n")).toBeUndefined();
    expect(fastDocuments('hosts: ["*.example.com"]\npaths: [/api/*]\n')).toEqual([{ hosts: ["*.example.com"], paths: ["/api/*"] }]);
  });
});

describe("colons glued to a flow indicator", () => {
  it("reads [1.2.3.4, 2001:db8::] as two strings, as go-yaml does, on both paths", async () => {
    const { parseManifests } = await import("../../src/load/load.js");
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\nx: [1.2.3.4, 2001:db8::]\nq: { a: b }\n";
    const fast = parseManifests("f.yaml", text);
    expect(fast.resources[0]?.data.x).toEqual(["1.2.3.4", "2001:db8::"]);
    const slow = parseManifests("s.yaml", `${text}z: &a 1\nw: *a\n`);
    expect(slow.resources[0]?.data.x).toEqual(["1.2.3.4", "2001:db8::"]);
    expect(slow.resources[0]?.origin.locate(["q", "a"])).toMatchObject({ line: 5, column: 9 });
  });
});
