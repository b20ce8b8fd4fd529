import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { lint } from "../src/api.js";
import { rulesTable } from "../src/cli/list-rules.js";
import { emptyConfig } from "../src/engine/config.js";
import { builtinRules } from "../rules/index.js";
import { isGlobalRule, isResourceRule } from "../src/engine/rule.js";
import { kindId } from "../src/model/kinds.js";
// @ts-expect-error: a plain .mjs build script without types
import { renderIndex, ruleFiles } from "../scripts/gen-rule-index.mjs";
import { ROOT, lintFixture, ruleFixtures } from "./helpers/fixtures.js";

const catalog = builtinRules();
const rules = catalog.rules;
const fixtures = ruleFixtures();
/** Rules whose findings no fixture can provoke, and why. */
const NO_FIXTURES: Record<string, string> = {
  "internal-error": "raised only when a rule throws; covered by test/engine.test.ts with a throwing rule",
};

// Every fixture is linted once; the reads and messages seen across all of them are what the checks below compare.
const seenMessages = new Set<string>();
const touched = new Map<string, Set<string>>();
const ready = (async () => {
  for (const f of fixtures) {
    const result = await lintFixture(f.path);
    for (const d of result.diagnostics) seenMessages.add(`${d.ruleId}/${d.messageId}`);
    for (const [id, kinds] of result.reads) {
      const set = touched.get(id) ?? new Set<string>();
      for (const k of kinds) set.add(k);
      touched.set(id, set);
    }
  }
})();

describe("rule conventions", () => {
  it("rules/index.ts lists every rule file (run npm run build)", () => {
    expect(readFileSync(join(ROOT, "rules", "index.ts"), "utf8")).toBe(renderIndex(ruleFiles().filter((f: string) => f !== "index")));
  });

  it("README's rules table is generated from rule metadata (run npm run gen)", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const table = /<!-- rules:start -->\n([\s\S]*?)<!-- rules:end -->/.exec(readme)?.[1];
    expect(table).toBe(rulesTable(catalog));
  });

  for (const rule of rules) {
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

      it("has a doc with the fixed headings, whose examples behave as labelled", async () => {
        const doc = catalog.doc(meta.id);
        expect(doc, `rules/${meta.area}/${meta.id}.md`).toBeDefined();
        const headings = [...(doc ?? "").matchAll(/^## (.+)$/gm)].map((m) => m[1]);
        const required = ["What it does", "Why is this bad?", "When not to use it", "References"];
        expect(headings.filter((h) => required.includes(h as string))).toEqual(required);
        if (meta.area !== "core") {
          expect(headings).toContain("Example");
          expect(headings).toContain("Use instead");
        }
        for (const [, label, body] of (doc ?? "").matchAll(/```yaml (valid|invalid)\n([\s\S]*?)```/g)) {
          const dir = mkdtempSync(join(tmpdir(), "meshlint-doc-"));
          try {
            writeFileSync(join(dir, "example.yaml"), body as string);
            const result = await lint(["example.yaml"], { cwd: dir, config: emptyConfig(dir) });
            const ids = result.diagnostics.map((d) => d.ruleId);
            if (label === "valid") expect(ids, "a valid example reports nothing").toEqual([]);
            else expect(ids, "an invalid example reports this rule").toContain(meta.id);
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        }
      });

      if (NO_FIXTURES[meta.id]) return;

      it("has valid and invalid fixtures", () => {
        const own = fixtures.filter((f) => f.ruleId === meta.id);
        expect(own.some((f) => f.kind === "valid")).toBe(true);
        expect(own.some((f) => f.kind === "invalid")).toBe(true);
      });

      it("has every message exercised by a fixture", async () => {
        await ready;
        for (const messageId of Object.keys(meta.messages)) expect(seenMessages).toContain(`${meta.id}/${messageId}`);
      });

      if (isResourceRule(rule) || isGlobalRule(rule)) {
        it("declares exactly the kinds it reads (target and reads)", async () => {
          await ready;
          const declared = new Set([...(isResourceRule(rule) ? rule.target : []), ...rule.reads].map(kindId));
          expect([...(touched.get(meta.id) ?? [])].sort()).toEqual([...declared].sort());
        });
      }
    });
  }

  it("no two rules claim the same code as the same check", () => {
    const same = rules.flatMap((r) => (r.meta.aliases ?? []).filter((a) => a.match === "same").map((a) => a.code));
    expect(same.filter((c, i) => same.indexOf(c) !== i)).toEqual([]);
  });
});

afterAll(async () => {
  await ready;
});
