// Every rule's own tests, grouped under its id so that `npx vitest run test/rules.test.ts -t <rule-id>` runs exactly
// them: its metadata, its documentation's examples, and its fixtures. Each fixture is linted once; that result is
// compared with the fixture's expectations, changed to check the incremental engine against a full run, and what the
// rule read there is what the checks at the end of its group compare with its declarations.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/api.js";
import { emptyConfig } from "../src/engine/config.js";
import { isGlobalRule, isResourceRule } from "../src/engine/rule.js";
import { kindId } from "../src/model/kinds.js";
import { builtinRules } from "../rules/index.js";
import type { LintResult } from "../src/api.js";
import { ROOT, type Fixture, actualFindings, declaredFindings, lintFixture, ruleFixtures } from "./helpers/fixtures.js";
import { incrementalDisagreements } from "./helpers/incremental.js";

const catalog = builtinRules();
const fixtures = ruleFixtures();
let incrementalCases = 0;

/** Rules whose findings no fixture can provoke, and why. */
const NO_FIXTURES: Record<string, string> = {
  "internal-error": "raised only when a rule throws; covered by test/engine.test.ts with a throwing rule",
};

const REQUIRED_HEADINGS = ["What it does", "Why is this bad?", "When not to use it", "References"];

async function lintExample(yaml: string) {
  const dir = mkdtempSync(join(tmpdir(), "meshlint-doc-"));
  try {
    writeFileSync(join(dir, "example.yaml"), yaml);
    return await lint(["example.yaml"], { cwd: dir, config: emptyConfig(dir) });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

it("every fixture folder is named after a rule", () => {
  expect([...new Set(fixtures.map((f) => f.ruleId))].filter((id) => !catalog.get(id))).toEqual([]);
});

for (const rule of catalog.rules) {
  const { meta } = rule;
  describe(meta.id, () => {
    it("has an id matching its file and an area matching its folder", () => {
      expect(meta.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(existsSync(join(ROOT, "rules", meta.area, `${meta.id}.ts`))).toBe(true);
    });

    it("has aliases that are well formed and whose message ids exist", () => {
      for (const alias of meta.aliases ?? []) {
        expect(alias.code).toMatch(alias.tool === "istioctl" ? /^IST\d{4}$/ : /^(KIA\d{4}|GWAPI)$/);
        for (const m of alias.messageIds ?? []) expect(Object.keys(meta.messages)).toContain(m);
      }
    });

    const doc = catalog.doc(meta.id) ?? "";
    it("has a doc with the fixed headings", () => {
      expect(doc, `rules/${meta.area}/${meta.id}.md`).not.toBe("");
      const headings = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(headings.filter((h) => REQUIRED_HEADINGS.includes(h as string))).toEqual(REQUIRED_HEADINGS);
      if (meta.area !== "core") {
        expect(headings).toContain("Example");
        expect(headings).toContain("Use instead");
      }
    });

    [...doc.matchAll(/```yaml (valid|invalid)\n([\s\S]*?)```/g)].forEach(([, label, body], i) => {
      it(`its doc's ${label} example (#${i + 1}) ${label === "valid" ? "reports nothing" : "reports this rule"}`, async () => {
        const ids = (await lintExample(body as string)).diagnostics.map((d) => d.ruleId);
        if (label === "valid") expect(ids).toEqual([]);
        else expect(ids).toContain(meta.id);
      });
    });

    if (NO_FIXTURES[meta.id]) return;
    const own = fixtures.filter((f) => f.ruleId === meta.id);

    it("has valid and invalid fixtures", () => {
      expect(own.some((f) => f.kind === "valid")).toBe(true);
      expect(own.some((f) => f.kind === "invalid")).toBe(true);
    });

    // What the rule read over its own fixtures, filled by the fixture tests below.
    const reads = new Set<string>();
    const linted = new Map<Fixture, LintResult>();
    for (const fixture of own) {
      const shown = relative(ROOT, fixture.path);
      it(`${fixture.kind}: ${shown}`, async () => {
        const declared = declaredFindings(fixture.path);
        const result = await lintFixture(fixture.path);
        for (const kind of result.reads.get(meta.id) ?? []) reads.add(kind);
        linted.set(fixture, result);
        if (fixture.kind === "valid") {
          expect(result.diagnostics.map((d) => `${d.span?.line ?? "file"}:${d.ruleId} ${d.message}`)).toEqual([]);
          expect(declared, "a valid fixture expects nothing").toEqual([]);
        } else {
          expect(declared.some((d) => d.includes(` ${meta.id}/`)), "an invalid fixture must expect its own rule").toBe(true);
          expect(actualFindings(result)).toEqual(declared);
        }
      });

      it(`${fixture.kind}: ${shown}, changed: the incremental engine agrees with a full run`, () => {
        const result = linted.get(fixture);
        expect(result, "the fixture's own test above linted it").toBeDefined();
        const { cases, failures } = incrementalDisagreements(result!, fixture.path, fixtures.indexOf(fixture));
        incrementalCases += cases;
        expect(failures.slice(0, 3)).toEqual([]);
      });
    }

    it("has every message exercised by its invalid fixtures", () => {
      const expected = new Set(own.filter((f) => f.kind === "invalid").flatMap((f) => declaredFindings(f.path)).map((d) => d.split(" ")[1]));
      for (const messageId of Object.keys(meta.messages)) expect(expected).toContain(`${meta.id}/${messageId}`);
    });

    if (isResourceRule(rule) || isGlobalRule(rule)) {
      it("declares exactly the kinds it reads over its fixtures (target and reads)", () => {
        expect(own.filter((f) => !linted.has(f)).map((f) => relative(ROOT, f.path)), "fixtures whose test did not run to the end").toEqual([]);
        const declared = new Set([...(isResourceRule(rule) ? rule.target : []), ...rule.reads].map(kindId));
        expect([...reads].sort()).toEqual([...declared].sort());
      });
    }
  });
}

it("the incremental engine was compared with full runs (on the whole catalog)", () => {
  expect(incrementalCases).toBeGreaterThan(fixtures.length / 2);
});
