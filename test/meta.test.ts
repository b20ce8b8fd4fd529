// Conventions of the catalog as a whole. What each rule must satisfy on its own (metadata, documentation, fixtures,
// declared reads, exercised messages) is in test/rules.test.ts, grouped by rule id.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rulesTable } from "../src/cli/list-rules.js";
import { builtinRules } from "../rules/index.js";
// @ts-expect-error: a plain .mjs build script without types
import { renderIndex, ruleFiles } from "../scripts/gen-rule-index.mjs";
import { ROOT } from "./helpers/fixtures.js";

const catalog = builtinRules();

describe("rule catalog", () => {
  it("rules/index.ts lists every rule file (run npm run build)", () => {
    expect(readFileSync(join(ROOT, "rules", "index.ts"), "utf8")).toBe(renderIndex(ruleFiles().filter((f: string) => f !== "index")));
  });

  it("README's rules table is generated from rule metadata (run npm run gen)", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const table = /<!-- rules:start -->\n([\s\S]*?)<!-- rules:end -->/.exec(readme)?.[1];
    expect(table).toBe(rulesTable(catalog));
  });

  it("no two rules claim the same code as the same check", () => {
    const same = catalog.rules.flatMap((r) => (r.meta.aliases ?? []).filter((a) => a.match === "same").map((a) => a.code));
    expect(same.filter((c, i) => same.indexOf(c) !== i)).toEqual([]);
  });
});
