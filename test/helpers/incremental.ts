import { dirname } from "node:path";
import type { LintResult } from "../../src/api.js";
import { finalize } from "../../src/engine/finalize.js";
import { IncrementalEngine } from "../../src/engine/incremental.js";
import { type Rule, isGlobalRule, isResourceRule } from "../../src/engine/rule.js";
import { INTERNAL_ERROR_RULE, type PendingReport, runRules } from "../../src/engine/runner.js";
import { isAssumed } from "../../src/model/installation.js";
import { type Resource, deepFreeze } from "../../src/model/resource.js";
import { ANY_KIND, type IndexChange } from "../../src/model/resource-index.js";
import { completeChange, indexResources } from "../../src/project/project.js";

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

/**
 * Changes a linted fixture's repository and compares what the incremental engine re-runs with a full run over the
 * changed repository. By default one object, changed one way, rotating through objects and ways with `n` (the
 * fixture's number), so the suite stays fast on two cores; MESHLINT_INCREMENTAL_ALL=1 changes every object every way.
 * Returns the number of changes tried and a description of each disagreement.
 */
export function incrementalDisagreements(result: LintResult, fixturePath: string, n: number): { cases: number; failures: string[] } {
  const catalog = result.catalog;
  const rules = catalog.rules.filter((r): r is Rule => isResourceRule(r) || isGlobalRule(r));
  const internalError = catalog.get(INTERNAL_ERROR_RULE)!;
  const every = process.env.MESHLINT_INCREMENTAL_ALL === "1";
  const { index, config } = result;
  const run = { config, cwd: dirname(fixturePath) };
  const engine = new IncrementalEngine(index, rules, internalError, run);
  const show = (reports: readonly PendingReport[]) =>
    finalize(reports, [], catalog, config)
      .diagnostics.map((d) => `${d.file ?? ""}:${d.span?.line ?? ""}:${d.span?.column ?? ""} ${d.ruleId} ${d.message}`)
      .join("\n");
  const readable = index.all(ANY_KIND).filter((r) => !isAssumed(r) && r.origin.kind !== "crds");
  // Objects of unreadable documents are not in index lists, yet a full build from the objects must have them.
  const given = [...readable, ...index.unreadable()];
  const picks = every ? readable : readable.length ? [readable[n % readable.length]!] : [];
  const failures: string[] = [];
  let cases = 0;
  for (const target of picks) {
    const all = variants(target);
    for (const { label, replace } of every ? all : [all[n % all.length]!]) {
      cases++;
      const change: IndexChange = { removed: [target], added: replace ? [replace] : [] };
      const preview = engine.preview(completeChange(engine.current, change));
      const after = given.filter((r) => r !== target).concat(replace ? [replace] : []);
      const want = show(runRules(indexResources(after, index.settings), rules, internalError, run).reports);
      const got = show(engine.reports(preview));
      if (got !== want) failures.push(`${target.kind} ${target.namespace}/${target.name} ${label}\n--- full\n${want}\n--- incremental\n${got}`);
    }
  }
  return { cases, failures };
}
