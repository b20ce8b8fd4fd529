import { resolve } from "node:path";
import { phase } from "./base/timing.js";
import { ConfigError } from "./engine/config.js";
import type { Config } from "./engine/config.js";
import { type LoadedBaseline, applyBaseline, defaultBaselineFile, readBaseline } from "./engine/baseline.js";
import type { Diagnostic } from "./engine/diagnostic.js";
import { applyDirectives } from "./engine/directives.js";
import { finalize } from "./engine/finalize.js";
import type { RuleCatalog } from "./engine/catalog.js";
import { type Rule, isGlobalRule, isResourceRule } from "./engine/rule.js";
import { INTERNAL_ERROR_RULE, runRules } from "./engine/runner.js";
import type { LoadedFile } from "./load/load.js";
import { isInside } from "./load/ignore-rules.js";
import type { SourceFile } from "./load/source-file.js";
import type { ResourceIndex } from "./model/resource-index.js";
import { type ProjectOptions, loadProject } from "./project/project.js";
import { UsageError } from "./project/settings.js";
import { builtinRules } from "../rules/index.js";

export type { Diagnostic } from "./engine/diagnostic.js";
export type { Config } from "./engine/config.js";
export type { Severity } from "./engine/rule.js";
export { type Project, type ProjectOptions, loadProject } from "./project/project.js";
export { UsageError };

export interface LintOptions extends ProjectOptions {
  /** Rules to run instead of the built-in ones. */
  readonly catalog?: RuleCatalog;
  /**
   * Report findings only in these files or folders (relative to cwd, or absolute); everything in `inputs` is still
   * read, so references into other files resolve (pre-commit, `--changed-since`). Internal errors are always kept.
   */
  readonly reportFiles?: readonly string[];
  /**
   * Known findings to leave out (`meshlint baseline`): a file, or `false` for none. By default
   * `.meshlint-baseline.json` beside the config file (or in cwd without one), when it exists.
   */
  readonly baseline?: string | false;
}

export interface Summary {
  readonly files: number;
  readonly resources: number;
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
  readonly suppressed: number;
  /** Skipped files plus documents that are not Kubernetes objects. */
  readonly skipped: number;
}

export interface LintResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly files: readonly LoadedFile[];
  readonly summary: Summary;
  /** Text of every file read, by displayed path (for code frames). */
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** Inputs that named nothing. */
  readonly unmatched: readonly string[];
  /** Kinds each rule read, by rule id. */
  readonly reads: ReadonlyMap<string, ReadonlySet<string>>;
  readonly config: Config;
  readonly index: ResourceIndex;
  /** The rules that linted, for reporters (their metadata and documentation). */
  readonly catalog: RuleCatalog;
}

/** Lints files, folders, globs and `-` (standard input) as one repository. */
export async function lint(inputs: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const { cwd, config, index, loaded } = await loadProject(inputs, options);
  const catalog = options.catalog ?? builtinRules();
  const internalError = catalog.get(INTERNAL_ERROR_RULE);
  if (!internalError) throw new Error(`the rule catalog has no "${INTERNAL_ERROR_RULE}" rule`);
  const active = catalog.rules.filter((r) => (isResourceRule(r) || isGlobalRule(r)) && !isTurnedOff(r, config));
  const run = runRules(index, active, internalError, { config, cwd });
  phase("rules");
  const finalized = finalize(run.reports, loaded.issues, catalog, config);
  phase("finalize");
  const inline = applyDirectives(finalized.diagnostics, loaded.sources, catalog, config);
  const known = applyBaseline(inline.diagnostics, resolveBaseline(config, cwd, options.baseline), cwd);
  const diagnostics = inReportScope(known.diagnostics, cwd, options.reportFiles);
  const suppressed = finalized.suppressed + inline.suppressed + known.suppressed;
  phase("directives");

  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  return {
    diagnostics,
    files: loaded.files,
    summary: {
      files: loaded.files.length,
      resources: loaded.resources.length,
      errors: count("error"),
      warnings: count("warning"),
      infos: count("info"),
      suppressed,
      skipped: loaded.files.filter((f) => f.status === "skipped").length + loaded.skippedDocuments,
    },
    sources: loaded.sources,
    unmatched: loaded.unmatched,
    reads: run.reads,
    config,
    index,
    catalog,
  };
}

/** A rule is skipped entirely only when the config turns off its id (or its area, with no id override). */
function isTurnedOff(rule: Rule, config: Config): boolean {
  const own = config.rules[rule.meta.id];
  if (own) return own === "off";
  return config.rules[rule.meta.area] === "off" && !(rule.meta.aliases ?? []).some((a) => config.rules[a.code]);
}

function resolveBaseline(config: Config, cwd: string, option: string | false | undefined): LoadedBaseline | undefined {
  if (option === false) return undefined;
  try {
    return readBaseline(option ? resolve(cwd, option) : defaultBaselineFile(config));
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

function inReportScope(diagnostics: Diagnostic[], cwd: string, paths: readonly string[] | undefined): Diagnostic[] {
  if (!paths) return diagnostics;
  const scope = paths.map((p) => resolve(cwd, p));
  return diagnostics.filter(
    (d) => d.ruleId === INTERNAL_ERROR_RULE || (d.file !== undefined && scope.some((p) => isInside(p, resolve(cwd, d.file!)))),
  );
}
