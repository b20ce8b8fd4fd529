import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type Config, ConfigError, accessAssertionsOf, emptyConfig, findConfigFile, loadConfig } from "./engine/config.js";
import { type LoadedBaseline, applyBaseline, defaultBaselineFile, readBaseline } from "./engine/baseline.js";
import type { Diagnostic } from "./engine/diagnostic.js";
import { applyDirectives } from "./engine/directives.js";
import { finalize } from "./engine/finalize.js";
import { type RuleCatalog, builtinRules } from "./engine/registry.js";
import { type Rule, isGlobalRule, isResourceRule } from "./engine/rule.js";
import { INTERNAL_ERROR_RULE, runRules } from "./engine/runner.js";
import { type LoadedFile, load } from "./load/load.js";
import { isInside } from "./load/ignore-rules.js";
import type { SourceFile } from "./load/source-file.js";
import { DEFAULT_MESH_CONFIG, MeshConfigError, mergeMeshConfig, parseMeshConfig, parseMeshNetworks } from "./model/mesh-config.js";
import type { JsonObject } from "./model/resource.js";
import { ResourceIndex } from "./model/resource-index.js";
import { type CrdDefinition, crdFromManifest } from "./schema/crd.js";
import { DEFAULT_INGRESS_GATEWAY, type Settings, makeSettings } from "./model/settings.js";

export type { Diagnostic } from "./engine/diagnostic.js";
export type { Config } from "./engine/config.js";
export type { Severity } from "./engine/rule.js";

export interface LintOptions {
  /** Folder that relative inputs and displayed paths are relative to (default: process.cwd()). */
  readonly cwd?: string;
  /** Standard input's text, read when an input is `-`. */
  readonly stdin?: string;
  /** Namespace for namespaced resources that name none (default: the config's, else `default`). */
  readonly namespace?: string;
  /** An explicit config file (`--config`); otherwise `.meshlint.yaml` is searched upward from cwd. */
  readonly configFile?: string;
  /** A config already loaded (takes precedence over configFile). */
  readonly config?: Config;
  readonly meshConfigFile?: string;
  /** A MeshConfig given as data (merged over Istio's defaults), instead of meshConfigFile. */
  readonly meshConfig?: JsonObject;
  readonly meshNetworksFile?: string;
  readonly maxFileSize?: number;
  readonly gatewayApiChannel?: "standard" | "experimental";
  /** Files or folders of CRDs the cluster serves (`--crds`); they override the bundled definitions of their kinds. */
  readonly crds?: readonly string[];
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
  /** Replaces the loader (the language server passes one that keeps parsed files between runs). */
  readonly loader?: typeof load;
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
}

/** A mistake in how meshlint was called: an unreadable config or mesh config, a bad option value. */
export class UsageError extends Error {}

/** Lints files, folders, globs and `-` (standard input) as one repository. */
export async function lint(inputs: readonly string[], options: LintOptions = {}): Promise<LintResult> {
  const cwd = resolve(options.cwd ?? process.cwd());
  const config = resolveConfig(cwd, options);
  const catalog = options.catalog ?? builtinRules();
  const settings = resolveSettings(config, options, cwd, await loadCrds(options.crds ?? [], cwd));

  const loaded = await (options.loader ?? load)(inputs, {
    cwd,
    ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
    ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
    ...(config.ignore.length ? { ignore: { dir: config.dir, patterns: config.ignore } } : {}),
  });
  const index = ResourceIndex.fromRaw(loaded.resources, settings);
  const internalError = catalog.get(INTERNAL_ERROR_RULE);
  if (!internalError) throw new Error(`the rule catalog has no "${INTERNAL_ERROR_RULE}" rule`);
  const active = catalog.rules.filter((r) => (isResourceRule(r) || isGlobalRule(r)) && !isTurnedOff(r, config));
  const run = runRules(index, active, internalError);
  const finalized = finalize(run.reports, loaded.issues, catalog, config);
  const inline = applyDirectives(finalized.diagnostics, loaded.sources, catalog, config);
  const known = applyBaseline(inline.diagnostics, resolveBaseline(config, cwd, options.baseline), cwd);
  const diagnostics = inReportScope(known.diagnostics, cwd, options.reportFiles);
  const suppressed = finalized.suppressed + inline.suppressed + known.suppressed;

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

function resolveConfig(cwd: string, options: LintOptions): Config {
  if (options.config) return options.config;
  try {
    if (options.configFile) return loadConfig(resolve(cwd, options.configFile));
    const found = findConfigFile(cwd);
    return found ? loadConfig(found) : emptyConfig(cwd);
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/** The CRDs of `--crds`: every CustomResourceDefinition in those files and folders. */
async function loadCrds(paths: readonly string[], cwd: string): Promise<CrdDefinition[]> {
  if (paths.length === 0) return [];
  const loaded = await load(paths, { cwd });
  if (loaded.unmatched.length) throw new UsageError(`--crds: no such file or folder: ${loaded.unmatched.join(", ")}`);
  const broken = loaded.issues.find((i) => i.ruleId !== "template-skipped");
  if (broken) throw new UsageError(`--crds: ${broken.file}: cannot read it (${broken.messageId})`);
  return loaded.resources
    .filter((r) => r.kind === "CustomResourceDefinition")
    .map((r) => crdFromManifest(r.data, r.origin.file ?? "--crds"))
    .filter((c): c is CrdDefinition => c !== undefined);
}

function resolveSettings(config: Config, options: LintOptions, cwd: string, crds: readonly CrdDefinition[]): Settings {
  const s = config.settings;
  const meshConfigFile = options.meshConfigFile ? resolve(cwd, options.meshConfigFile) : s.meshConfig && resolve(config.dir, s.meshConfig);
  const meshNetworksFile = options.meshNetworksFile
    ? resolve(cwd, options.meshNetworksFile)
    : s.meshNetworks && resolve(config.dir, s.meshNetworks);
  const gateway = s.installation?.ingressGateway;
  return makeSettings({
    defaultNamespace: options.namespace ?? s.namespace,
    clusterDomain: s.clusterDomain,
    rootNamespace: s.rootNamespace,
    meshConfig: options.meshConfig
      ? mergeMeshConfig(DEFAULT_MESH_CONFIG, options.meshConfig)
      : meshConfigFile
        ? readMeshFile(meshConfigFile, parseMeshConfig)
        : undefined,
    meshNetworks: meshNetworksFile ? readMeshFile(meshNetworksFile, parseMeshNetworks) : undefined,
    externalHosts: s.externalHosts,
    gatewayApiChannel: options.gatewayApiChannel ?? s.gatewayApiChannel,
    gatewayApiBundle: s.gatewayApiBundle,
    crds,
    accessAssertions: accessAssertionsOf(config, cwd),
    installation: {
      ...(gateway !== undefined ? { ingressGateway: gateway && { ...DEFAULT_INGRESS_GATEWAY, ...gateway } } : {}),
      ...(s.installation?.gatewayClasses ? { gatewayClasses: s.installation.gatewayClasses } : {}),
      ...(s.installation?.namespaces ? { namespaces: s.installation.namespaces } : {}),
    },
  });
}

function readMeshFile(file: string, parse: (text: string, file: string) => JsonObject): JsonObject {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parse(text, file);
  } catch (error) {
    if (error instanceof MeshConfigError) throw new UsageError(error.message);
    throw error;
  }
}
