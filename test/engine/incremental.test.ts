import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { builtinRules } from "../../rules/index.js";
import { INTERNAL_ERROR_RULE, runRules } from "../../src/engine/runner.js";
import { IncrementalEngine } from "../../src/engine/incremental.js";
import { finalize } from "../../src/engine/finalize.js";
import { type Rule, isGlobalRule, isResourceRule } from "../../src/engine/rule.js";
import type { PendingReport } from "../../src/engine/runner.js";
import { isAssumed } from "../../src/model/installation.js";
import { type Resource, deepFreeze } from "../../src/model/resource.js";
import { ANY_KIND, type IndexChange } from "../../src/model/resource-index.js";
import { completeChange, indexResources } from "../../src/project/project.js";
import { lintFixture, ruleFixtures } from "../helpers/fixtures.js";

const catalog = builtinRules();
const rules = catalog.rules.filter((r): r is Rule => isResourceRule(r) || isGlobalRule(r));
const internalError = catalog.get(INTERNAL_ERROR_RULE)!;

/** A change's variants of one object: gone, back, with its first spec field dropped, renamed. */
function variants(r: Resource): { label: string; replace: Resource | undefined }[] {
  const data = JSON.parse(JSON.stringify(r.data)) as Record<string, unknown>;
  const spec = data.spec;
  if (spec && typeof spec === "object" && !Array.isArray(spec)) {
    const first = Object.keys(spec)[0];
    if (first) delete (spec as Record<string, unknown>)[first];
    else (spec as Record<string, unknown>).added = 1;
  } else data.metadata = { ...((data.metadata as object) ?? {}), labels: { changed: "yes" } };
  const mutated = { ...r, data: deepFreeze(data) } as Resource;
  const renamedData = JSON.parse(JSON.stringify(r.data)) as Record<string, unknown>;
  renamedData.metadata = { ...((renamedData.metadata as object) ?? {}), name: `${r.name}-renamed` };
  const renamed = { ...r, name: `${r.name}-renamed`, id: `${r.id}-renamed`, data: deepFreeze(renamedData) } as Resource;
  return [
    { label: "deleted", replace: undefined },
    { label: "mutated", replace: mutated },
    { label: "renamed", replace: renamed },
  ];
}

// Every fixture changed: the incremental engine must give exactly the diagnostics of a full run over the changed
// repository. By default one object of each fixture, changed one way (rotating through objects and ways), so the
// suite stays fast on two cores; MESHLINT_INCREMENTAL_ALL=1 changes every object of every fixture every way.
describe("incremental engine", () => {
  const fixtures = ruleFixtures();
  const every = process.env.MESHLINT_INCREMENTAL_ALL === "1";
  const CHUNKS = 4;
  for (let chunk = 0; chunk < CHUNKS; chunk++) {
    const mine = fixtures.filter((_, i) => i % CHUNKS === chunk);
    it(`gives the diagnostics of a full run after a change, fixtures ${chunk + 1}/${CHUNKS} (${mine.length})`, async () => {
      const failures: string[] = [];
      let cases = 0;
      for (const [n, fixture] of mine.entries()) {
        const result = await lintFixture(fixture.path);
        const { index, config } = result;
        const run = { config, cwd: dirname(fixture.path) };
        const engine = new IncrementalEngine(index, rules, internalError, run);
        const show = (reports: readonly PendingReport[]) =>
          finalize(reports, [], catalog, config)
            .diagnostics.map((d) => `${d.file ?? ""}:${d.span?.line ?? ""}:${d.span?.column ?? ""} ${d.ruleId} ${d.message}`)
            .join("\n");
        const given = index.all(ANY_KIND).filter((r) => !isAssumed(r) && r.origin.kind !== "crds");
        const picks = every ? given : given.length ? [given[n % given.length]!] : [];
        for (const target of picks) {
          const all = variants(target);
          for (const { label, replace } of every ? all : [all[n % all.length]!]) {
            cases++;
            const change: IndexChange = { removed: [target], added: replace ? [replace] : [] };
            const preview = engine.preview(completeChange(engine.current, change));
            const after = given.filter((r) => r !== target).concat(replace ? [replace] : []);
            const want = show(runRules(indexResources(after, index.settings), rules, internalError, run).reports);
            const got = show(engine.reports(preview));
            if (got !== want) failures.push(`${fixture.path}: ${target.kind} ${target.namespace}/${target.name} ${label}\n--- full\n${want}\n--- incremental\n${got}`);
          }
        }
      }
      expect(cases).toBeGreaterThan(0);
      expect(failures.slice(0, 5)).toEqual([]);
    }, 120_000);
  }
});
