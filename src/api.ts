import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { isAbsolute, join, relative, resolve } from "node:path";
import { phase } from "./base/timing.js";
import { ConfigError } from "./engine/config.js";
import type { Config } from "./engine/config.js";
import { type LoadedBaseline, applyBaseline, defaultBaselineFile, readBaseline } from "./engine/baseline.js";
import { type Diagnostic, compareDiagnostics } from "./engine/diagnostic.js";
import { applyDirectives } from "./engine/directives.js";
import { finalize } from "./engine/finalize.js";
import { introducedFindings } from "./engine/changes.js";
import { changeBase, gitInstalled, gitTop, hasHead, materialize } from "./load/git.js";
import type { RuleCatalog } from "./engine/catalog.js";
import { type Rule, isGlobalRule, isResourceRule } from "./engine/rule.js";
import { INTERNAL_ERROR_RULE, type PendingReport, runRules } from "./engine/runner.js";
import { IncrementalEngine } from "./engine/incremental.js";
import { runRulesKeeping } from "./engine/kept-checks.js";
import type { RunCache } from "./project/run-cache.js";
import type { LoadIssue, LoadResult, LoadedFile } from "./load/load.js";
import { isInside } from "./load/ignore-rules.js";
import type { SourceFile } from "./load/source-file.js";
import type { ResourceIndex } from "./model/resource-index.js";
import { type Project, type ProjectOptions, completeChange, loadProject, resolveConfig } from "./project/project.js";
import { ClusterError, type KubeClient } from "./cluster/kube-client.js";
import { type KindStatus, readCluster } from "./cluster/reader.js";
import { type KindKey, K, kindId } from "./model/kinds.js";
import { ANY_KIND, resourcesFromRaw } from "./model/resource-index.js";
import { type Resource, relocate } from "./model/resource.js";
import { knowsEverything } from "./model/unknown.js";
import { parseMeshConfig } from "./istio/mesh-config.js";
import { type JsonObject, asObject } from "./base/json.js";
import type { RawResource } from "./load/load.js";
import type { Installation } from "./model/settings.js";
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
  /** Lint a live cluster's objects, with the inputs' objects overlaid on them (`meshlint --cluster`). */
  readonly cluster?: ClusterOptions;
  /**
   * Keep what every rule check read, so that relint() can re-run only the checks a later change can alter (the
   * language server). Kept only when nothing is rendered (one world).
   */
  readonly incremental?: boolean;
}

export interface ClusterOptions {
  readonly client: KubeClient;
  /** Namespaces whose objects are linted; undefined: every namespace. Others are still read where allowed. */
  readonly namespaces?: readonly string[];
  /** Time for reading the cluster (default 60 s). */
  readonly timeoutMs?: number;
}

/** A rule that did not run, and why (its inputs could not be read from the cluster). */
export interface SkippedRule {
  readonly ruleId: string;
  readonly reason: string;
}

/**
 * A kind a live cluster did not let meshlint read, in some namespaces or at all. `unknown`: findings that rest on
 * its objects there are at most infos; `assumed`: a cluster-scoped kind, replaced by what files alone assume (the
 * bundled CRDs, the installation's namespaces and GatewayClasses).
 */
export interface UnreadKind {
  /** Kind id (`networking.istio.io/Gateway`). */
  readonly kind: string;
  /** The only namespaces it was read in (empty: none). */
  readonly readIn: readonly string[];
  readonly reason: string;
  readonly then: "unknown" | "assumed";
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
  /** When a change is judged (`lintChange`): what it was compared with, and how many findings were there already. */
  readonly change?: { readonly since: string; readonly unchanged: number };
  /** With --cluster: how many of the resources came from the cluster. */
  readonly fromCluster?: number;
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
  /** With --cluster: what the cluster did not let meshlint read (see UnreadKind). */
  readonly unread: readonly UnreadKind[];
  /** The rendered roots, each linted as a deployment of its own beside the plain manifests. */
  readonly deployments: readonly { readonly name: string; readonly tool: "kustomize" | "helm"; readonly resources: number; readonly declaredBy?: string }[];
  /** With `incremental`: the rule checks of this run, for relint(). */
  readonly engine?: IncrementalEngine;
}

/** Lints files, folders, globs and `-` (standard input) as one repository. */
export async function lint(inputs: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const catalog = options.catalog ?? builtinRules();
  const internalError = catalog.get(INTERNAL_ERROR_RULE);
  if (!internalError) throw new Error(`the rule catalog has no "${INTERNAL_ERROR_RULE}" rule`);
  const config = resolveConfig(resolve(options.cwd ?? process.cwd()), options, inputs);
  const unknownRules = catalog.unknownSettings(config.rules);
  if (unknownRules.length) {
    throw new UsageError(`${config.file ?? "the configuration"}: rules: unknown rule id, code or area ${unknownRules.join(", ")}; "meshlint --list-rules" lists them`);
  }
  let projectOptions: LintOptions = options;
  let unread: UnreadKind[] = [];
  const enabled = (r: Rule) => (isResourceRule(r) || isGlobalRule(r)) && !isTurnedOff(r, config);
  if (options.cluster) {
    const read = await readClusterFor(catalog.rules.filter(enabled), options.cluster, options, config.settings.rootNamespace).catch((error: unknown) => {
      throw error instanceof ClusterError ? new UsageError(error.message) : error;
    });
    projectOptions = { ...options, ...read.options };
    unread = read.unread;
  }
  // Only an editor's relint (incremental) and --cache's kept checks change an index after the rules ran, or compare
  // texts (a file whose text changed); a one-off run keeps neither what a change needs nor the texts.
  const oneOff = options.incremental !== true && options.cache === undefined;
  const project = await loadProject(inputs, { ...projectOptions, config, indexChanges: !oneOff, forgetTexts: oneOff });
  const { cwd, index, loaded } = project;
  const active = catalog.rules.filter(enabled);
  // Schema reports are kept for one world only: with rendered roots, a world's CRDs may differ from another's.
  const cached = options.cache && project.worlds.length === 1 ? project.index : undefined;
  if (cached) options.cache!.seedSchema(cached);
  // The rule checks are kept too, and reused where a change cannot alter them (the built-in rules, files only).
  const keeping = cached && !options.catalog && !options.cluster && !options.incremental ? options.cache : undefined;
  const checked = checkWorlds(project, active, internalError, catalog, options.incremental === true, keeping);
  if (cached) options.cache!.keepSchema(cached);
  phase("rules");
  const { sources, ...finished } = finish(checked.diagnostics, project.issues, () => project.sources(), catalog, config, cwd, options);
  const namespaces = options.cluster?.namespaces;
  const diagnostics = finished.diagnostics.filter(
    // With namespaces named, cluster objects elsewhere are read for references only.
    (d) => !namespaces || d.file !== undefined || !d.resource?.namespace || namespaces.includes(d.resource.namespace),
  );
  phase("directives");
  return {
    diagnostics,
    files: project.files,
    summary: summarize(diagnostics, project.files, index, checked.suppressed + finished.suppressed, loaded.skippedDocuments, options.cluster !== undefined),
    sources,
    unmatched: loaded.unmatched,
    reads: checked.reads,
    config,
    index,
    catalog,
    unread,
    deployments: project.deployments.map((d) => ({ name: d.name, tool: d.tool, resources: d.resources.filter((r) => r.origin.kind !== "unreadable").length, ...(d.declaredBy ? { declaredBy: d.declaredBy } : {}) })),
    ...(checked.engine ? { engine: checked.engine } : {}),
  };
}

/**
 * Lints again after some files changed, re-running only the rule checks the change can alter (see
 * IncrementalEngine): the language server's path after an edit. `previous` comes from lint() with `incremental` (or
 * from relint), and its engine moves on to the new state, so `previous` is not to be used again. `removed` are the
 * index's objects of the changed files, `added` their objects now; `loaded` is what all files hold now (the loader's
 * findings and the sources for positions). Undefined when the change needs a full lint: nothing was kept (something
 * was rendered), or a CustomResourceDefinition changed (it decides which kinds are cluster-scoped and how every object
 * of its kind is validated).
 */
export function relint(
  previous: LintResult,
  change: { readonly removed: readonly Resource[]; readonly added: readonly RawResource[] },
  loaded: Pick<LoadResult, "files" | "issues" | "sources" | "skippedDocuments" | "unmatched">,
  options: Pick<LintOptions, "cwd" | "baseline" | "reportFiles"> = {},
): LintResult | undefined {
  const { engine, catalog, config } = previous;
  if (!engine || [...change.removed, ...change.added].some((r) => r.kind === "CustomResourceDefinition")) return undefined;
  const before = engine.current;
  // An object whose document reads as before stays (only its place in the new text is taken): editing one document of
  // a file re-runs the checks of that document's object, not of every object in the file.
  const place = (r: RawResource) => `${r.origin.file ?? ""}\u0000${r.origin.document ?? ""}`;
  const previousAt = new Map(change.removed.map((r) => [place(r), r]));
  const kept = new Set<Resource>();
  const changed = change.added.filter((raw) => {
    const old = previousAt.get(place(raw));
    if (!old || kept.has(old) || old.apiVersion !== raw.apiVersion || old.kind !== raw.kind || JSON.stringify(old.data) !== JSON.stringify(raw.data)) return true;
    relocate(old, raw.origin);
    kept.add(old);
    return false;
  });
  // Whether a custom kind is cluster-scoped is read from the CRDs, which are all in the index already.
  const crds = before.all(K.CustomResourceDefinition);
  const added = resourcesFromRaw([...crds, ...changed], before.settings).slice(crds.length);
  engine.apply(completeChange(before, { removed: change.removed.filter((r) => !kept.has(r)), added }));
  const checked = finalize(engine.reports(), [], catalog, config);
  const cwd = resolve(options.cwd ?? process.cwd());
  const { diagnostics, suppressed, sources } = finish(checked.diagnostics, loaded.issues, () => new Map(loaded.sources), catalog, config, cwd, options);
  return {
    ...previous,
    diagnostics,
    files: loaded.files,
    summary: summarize(diagnostics, loaded.files, engine.current, checked.suppressed + suppressed, loaded.skippedDocuments, false),
    sources,
    unmatched: loaded.unmatched,
    reads: engine.reads,
    index: engine.current,
  };
}

/** What lint() does after the rules ran: the loader's findings added, then inline directives, the baseline, the report scope. */
function finish(
  checked: readonly Diagnostic[],
  issues: readonly LoadIssue[],
  sourcesOf: () => Map<string, SourceFile>,
  catalog: RuleCatalog,
  config: Config,
  cwd: string,
  options: Pick<LintOptions, "baseline" | "reportFiles">,
): { diagnostics: Diagnostic[]; suppressed: number; sources: Map<string, SourceFile> } {
  const found = finalize([], issues, catalog, config);
  const all = [...checked, ...found.diagnostics].sort(compareDiagnostics);
  phase("finalize");
  // Asked only now: positions in rendered objects are found while findings are placed.
  const sources = sourcesOf();
  const inline = applyDirectives(all, sources, catalog, config);
  const known = applyBaseline(inline.diagnostics, resolveBaseline(config, cwd, options.baseline), cwd);
  return {
    diagnostics: inReportScope(known.diagnostics, cwd, options.reportFiles),
    suppressed: found.suppressed + inline.suppressed + known.suppressed,
    sources,
  };
}

function summarize(
  diagnostics: readonly Diagnostic[],
  files: readonly LoadedFile[],
  index: ResourceIndex,
  suppressed: number,
  skippedDocuments: number,
  cluster: boolean,
): Summary {
  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  return {
    files: files.length,
    // Files' objects (rendered ones included), and with --cluster the cluster's (those a file replaces counted once).
    resources: index.lintedCount(),
    errors: count("error"),
    warnings: count("warning"),
    infos: count("info"),
    suppressed,
    skipped: files.filter((f) => f.status === "skipped").length + skippedDocuments,
    ...(cluster ? { fromCluster: index.all(ANY_KIND).filter((r) => r.origin.kind === "cluster").length } : {}),
  };
}

/**
 * Runs the rules in every world: the shared objects alone (plain manifests, and a cluster's objects), and with each
 * rendered root. A finding on a rendered object comes from its own world; a finding on a shared object holds only
 * when every world reports it (with nothing rendered there is one world).
 */
function checkWorlds(project: Project, active: readonly Rule[], internalError: Rule, catalog: RuleCatalog, incremental: boolean, cache?: RunCache) {
  const { config, cwd } = project;
  const shared = new Set<unknown>(project.shared.map((r) => r.data));
  const onShared = (p: PendingReport) => !p.report.resource || shared.has(p.report.resource.data);
  const reads = new Map<string, Set<string>>();
  const rendered: Diagnostic[] = [];
  let common: Diagnostic[] | undefined;
  let suppressed = 0;
  // With one world, an engine runs the checks once and keeps what each read (for relint()). Not where part of the
  // world is unknown (a cluster read under a namespaced Role): only the runner judges a check's reads against it.
  const engine =
    incremental && project.worlds.length === 1 && knowsEverything(project.index)
      ? new IncrementalEngine(project.worlds[0]!.index, active, internalError, { config, cwd })
      : undefined;
  for (const world of project.worlds) {
    const run = engine ? { reports: engine.reports(), reads: engine.reads } : cache ? runKeeping(world.index, cache) : runRules(world.index, active, internalError, { config, cwd });
    for (const [id, kinds] of run.reads) {
      const set = reads.get(id) ?? new Set<string>();
      for (const k of kinds) set.add(k);
      reads.set(id, set);
    }
    const own = finalize(run.reports.filter((p) => !onShared(p)), [], catalog, config);
    rendered.push(...own.diagnostics);
    suppressed += own.suppressed;
    const found = finalize(run.reports.filter(onShared), [], catalog, config);
    if (common === undefined) {
      common = found.diagnostics;
      suppressed += found.suppressed;
    } else {
      const here = new Set(found.diagnostics.map(findingKey));
      common = common.filter((d) => here.has(findingKey(d)));
    }
  }
  function runKeeping(index: ResourceIndex, cache: RunCache) {
    const { world, inputs } = cache.keptRun(index, { config, cwd, rules: active, complete: completeChange });
    const result = runRulesKeeping(index, active, internalError, { config, cwd }, inputs);
    cache.keepRun(world, result);
    return result;
  }
  const seen = new Set<string>();
  const diagnostics = [...(common ?? []), ...rendered].filter((d) => {
    const key = findingKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { diagnostics, reads, suppressed, engine };
}

const findingKey = (d: Diagnostic): string => `${d.fingerprint}\u0000${d.file ?? ""}\u0000${d.span?.start ?? ""}`;

/** Kinds meshlint knows the meaning of: what a rule over every object (schema, duplicates) reads from a cluster. */
const MESH_GROUPS = /(^|\.)(istio\.io|linkerd\.io|smi-spec\.io)$|^gateway\.networking\.k8s\.io$/;

/** The kinds the rules read, for the cluster reader: their targets and reads, "every kind" standing for the known ones. */
export function kindsRead(rules: readonly Rule[]): KindKey[] {
  const out = new Map<string, KindKey>();
  let any = false;
  for (const rule of rules) {
    if (!isResourceRule(rule) && !isGlobalRule(rule)) continue;
    for (const k of [...(isResourceRule(rule) ? rule.target : []), ...rule.reads]) {
      if (k === ANY_KIND) any = true;
      else out.set(kindId(k), k);
    }
  }
  if (any) for (const k of Object.values(K)) if (MESH_GROUPS.test(k.group)) out.set(kindId(k), k);
  return [...out.values()];
}

/**
 * Reads the cluster for the rules about to run, and turns what was read into project options: the objects, the
 * mesh config from the root namespace's `istio` ConfigMap (unless one was given), and an installation assumed from
 * nothing (the cluster's own gateways and classes are in the index). What could not be read (a user bound to a
 * namespaced Role) is not treated as absent: a namespaced kind's unread namespaces become unknown to the checks
 * (Settings.readOnlyIn), and an unread cluster-scoped kind falls back to what files alone assume.
 */
async function readClusterFor(
  rules: readonly Rule[],
  cluster: ClusterOptions,
  options: LintOptions,
  rootNamespace: string | undefined,
): Promise<{ options: Partial<LintOptions>; unread: UnreadKind[] }> {
  const root = rootNamespace ?? "istio-system";
  // The mesh config is read from the cluster whatever the rules read.
  const kinds = [...kindsRead(rules), K.ConfigMap];
  const snapshot = await readCluster(cluster.client, kinds, {
    rootNamespace: root,
    ...(cluster.namespaces ? { namespaces: [...new Set([...cluster.namespaces, root])] } : {}),
    ...(cluster.timeoutMs !== undefined ? { timeoutMs: cluster.timeoutMs } : {}),
  });
  const { readOnlyIn, unread } = unreadParts(snapshot.kinds, (id) => snapshot.served.get(id)?.namespaced !== false);
  const meshConfig = options.meshConfigFile || options.meshConfig ? undefined : clusterMeshConfig(snapshot.resources, root);
  return {
    options: {
      clusterResources: snapshot.resources.map((r) => (r.kind === "CustomResourceDefinition" ? { ...r, origin: { ...r.origin, kind: "crds" as const } } : r)),
      installation: clusterInstallation((k) => {
        const status = snapshot.kinds.get(kindId(k));
        return status?.status === "absent" || (status?.status === "read" && (status.scope === "cluster" || kindId(k) === "ConfigMap"));
      }),
      ...(meshConfig ? { meshConfig } : {}),
      ...(Object.keys(readOnlyIn).length ? { readOnlyIn } : {}),
    },
    unread,
  };
}

/**
 * What a cluster read leaves unknown: a namespaced kind read in some namespaces only (or none) is known there alone;
 * a cluster-scoped kind that could not be read is assumed as files assume it (the bundled CRDs, the installation's
 * namespaces and classes), since there is no namespace of it to know.
 */
export function unreadParts(
  kinds: ReadonlyMap<string, KindStatus>,
  namespaced: (id: string) => boolean,
): { readOnlyIn: Record<string, readonly string[]>; unread: UnreadKind[] } {
  const readOnlyIn: Record<string, readonly string[]> = {};
  const unread: UnreadKind[] = [];
  for (const [id, status] of [...kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    // ConfigMaps are only ever read by name (the mesh's), which is all that the rules ask of them.
    if (status.status === "read" && status.scope !== "cluster" && id !== "ConfigMap") {
      // Listed namespace by namespace (the kind may not be listed cluster-wide): the other namespaces are unknown.
      readOnlyIn[id] = status.scope;
      const reason = status.denied?.[0]?.reason ?? `${id} may not be listed in all namespaces`;
      unread.push({ kind: id, readIn: status.scope, reason, then: "unknown" });
    } else if (status.status === "forbidden" || status.status === "failed") {
      const scoped = namespaced(id);
      if (scoped) readOnlyIn[id] = [];
      unread.push({ kind: id, readIn: [], reason: status.reason, then: scoped ? "unknown" : "assumed" });
    }
  }
  return { readOnlyIn, unread };
}

/** The rules that target or read a kind that could not be read (with the reason, by kind id). */
export function rulesNeeding(rules: readonly Rule[], unreadable: ReadonlyMap<string, string>): SkippedRule[] {
  const skipped: SkippedRule[] = [];
  for (const rule of rules) {
    if (!isResourceRule(rule) && !isGlobalRule(rule)) continue;
    const needs = [...(isResourceRule(rule) ? rule.target : []), ...rule.reads].filter((k) => k !== ANY_KIND).map(kindId);
    const reason = needs.map((id) => unreadable.get(id)).find((r) => r !== undefined);
    if (reason) skipped.push({ ruleId: rule.meta.id, reason });
  }
  return skipped;
}

/**
 * What a cluster's installation is assumed to provide: nothing that was read (its namespaces, GatewayClasses,
 * gateways and istiod are in the index as they are; assuming a gateway the cluster does not have would hide findings).
 */
export function clusterInstallation(read: (k: KindKey) => boolean): Partial<Installation> {
  return {
    ...(read(K.Namespace) ? { namespaces: [] } : {}),
    ...(read(K.GatewayClass) ? { gatewayClasses: [], exactGatewayClasses: true } : {}),
    ...(read(K.Service) && read(K.Deployment) ? { gateways: [], istiod: false } : {}),
  };
}

/** The MeshConfig in the root namespace's `istio` ConfigMap (key `mesh`), if the cluster has one. */
export function clusterMeshConfig(resources: readonly RawResource[], root: string): JsonObject | undefined {
  const cm = resources.find((r) => r.kind === "ConfigMap" && asObject(r.data.metadata)?.namespace === root && asObject(r.data.metadata)?.name === "istio");
  if (!cm) return undefined;
  try {
    return parseMeshConfig(JSON.stringify(cm.data), `ConfigMap ${root}/istio`, "ignore");
  } catch (error) {
    throw new UsageError(`the cluster's mesh config (ConfigMap ${root}/istio) cannot be read: ${(error as Error).message}`);
  }
}

export interface ChangeOptions extends LintOptions {
  /** The Git ref the change is judged against (its merge base with HEAD); default HEAD. */
  readonly since?: string;
  /** Judge what is staged (the index: what `git commit` would record) instead of the working tree. */
  readonly staged?: boolean;
}

/**
 * Lints the repository as it is (or as staged) and as it was at `since`, and reports the findings the change
 * introduced, wherever they are: a DestinationRule that loses a subset breaks the unchanged VirtualService that
 * routes to it. Both trees are linted with the same options, each from the same folder of its own tree so that
 * findings compare by fingerprint; each tree finds its own configuration and baseline.
 */
export async function lintChange(inputs: readonly string[], options: ChangeOptions = {}): Promise<LintResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  if (inputs.includes("-")) throw new UsageError("a change is judged on the repository's files, not on standard input");
  if (options.cluster) throw new UsageError("a change is judged between two trees of the repository, not against a cluster");
  const top = await gitTop(cwd);
  if (!top) throw new UsageError((await gitInstalled(cwd)) ? "not inside a Git work tree" : "git is not installed; a change is judged between trees of a Git repository");
  const since = options.since ?? "HEAD";
  let base: string | undefined;
  try {
    // Before the first commit, a staged change is judged against nothing.
    base = options.since === undefined && !(await hasHead(top)) ? undefined : await changeBase(top, since);
  } catch (error) {
    throw new UsageError(`${options.staged && options.since === undefined ? "--staged" : `--changed-since ${since}`}: ${(error as Error).message}`);
  }
  const scratch = mkdtempSync(join(tmpdir(), "meshlint-change-"));
  try {
    const inside = relative(top, cwd);
    // Files named on the command line are the same files on both sides.
    const fixed = {
      ...(options.configFile ? { configFile: resolve(cwd, options.configFile) } : {}),
      ...(options.meshConfigFile ? { meshConfigFile: resolve(cwd, options.meshConfigFile) } : {}),
      ...(options.meshNetworksFile ? { meshNetworksFile: resolve(cwd, options.meshNetworksFile) } : {}),
      ...(options.crds ? { crds: options.crds.map((c) => resolve(cwd, c)) } : {}),
    };
    let afterCwd = cwd;
    if (options.staged) {
      await materialize(top, "index", join(scratch, "after"));
      afterCwd = join(scratch, "after", inside);
    }
    const beforeCwd = join(scratch, "before", inside);
    if (base) await materialize(top, { commit: base }, join(scratch, "before"));
    mkdirSync(beforeCwd, { recursive: true });
    // Paths are named relative to the working folder, so that they name the same files in either tree.
    const named = inputs.map((i) => (isAbsolute(i) && isInside(top, i) ? relative(cwd, i) || "." : i));
    const after = await lint(named, { ...options, ...fixed, cwd: afterCwd });
    // A folder the change added did not exist before: nothing of it was there to compare with.
    const existing = named.filter((i) => existsSync(resolve(beforeCwd, i)) || /[*?[\]{}]/.test(i));
    const before = existing.length ? await lint(existing, { ...options, ...fixed, cwd: beforeCwd }) : undefined;
    const { diagnostics, unchanged } = introducedFindings(before?.diagnostics ?? [], after.diagnostics);
    const count = (level: string) => diagnostics.filter((d) => d.severity === level).length;
    return {
      ...after,
      diagnostics,
      summary: { ...after.summary, errors: count("error"), warnings: count("warning"), infos: count("info"), change: { since, unchanged } },
    };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * A rule is skipped entirely only when the config turns off its id (or its area, with no id override), or when it is
 * opt-in and neither its id nor one of its codes is named.
 */
function isTurnedOff(rule: Rule, config: Config): boolean {
  const own = config.rules[rule.meta.id];
  if (own) return own === "off";
  const byCode = (rule.meta.aliases ?? []).some((a) => config.rules[a.code]);
  if (rule.meta.optIn) return !byCode;
  return config.rules[rule.meta.area] === "off" && !byCode;
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
