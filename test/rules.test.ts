import { relative } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT, actualFindings, declaredFindings, lintFixture, ruleFixtures } from "./helpers/fixtures.js";

// One test per fixture file: the findings must be exactly the ones its `# expect:` comments declare (line, column,
// rule id and message id), and a valid/ fixture must produce nothing at all.
const byRule = new Map<string, ReturnType<typeof ruleFixtures>>();
for (const f of ruleFixtures()) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);

for (const [ruleId, fixtures] of byRule) {
  describe(ruleId, () => {
    for (const fixture of fixtures) {
      it(`${fixture.kind}: ${relative(ROOT, fixture.path)}`, async () => {
        const result = await lintFixture(fixture.path);
        const declared = declaredFindings(fixture.path);
        if (fixture.kind === "valid") {
          expect(result.diagnostics.map((d) => `${d.span?.line ?? "file"}:${d.ruleId} ${d.message}`)).toEqual([]);
          expect(declared).toEqual([]);
        } else {
          expect(declared.some((d) => d.includes(` ${ruleId}/`)), "an invalid fixture must expect its own rule").toBe(true);
          expect(actualFindings(result)).toEqual(declared);
        }
      });
    }
  });
}
