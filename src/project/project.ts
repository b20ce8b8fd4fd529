import { resolve } from "node:path";
import { phase } from "../base/timing.js";
import { type Config, ConfigError, emptyConfig, findConfigFile, loadConfig } from "../engine/config.js";
import { istioProvided } from "../istio/installation.js";
import { type LoadResult, type RawResource, load } from "../load/load.js";
import { clusterProvided, isAssumed } from "../model/installation.js";
import { type Resource, compareResources } from "../model/resource.js";
import { ANY_KIND, type IndexChange, ResourceIndex, resourcesFromRaw } from "../model/resource-index.js";
import { workloadOf } from "../model/workloads.js";
import type { Settings } from "../model/settings.js";
import { type SettingsOptions, UsageError, settingsFor } from "./settings.js";

export interface ProjectOptions extends SettingsOptions {
  /** Folder that relative inputs and displayed paths are relative to (default: process.cwd()). */
  readonly cwd?: string;
  /** Standard input's text, read when an input is `-`. */
  readonly stdin?: string;
  /** An explicit config file (`--config`); otherwise `.meshlint.yaml` is searched upward from cwd. */
  readonly configFile?: string;
  /** A config already loaded (takes precedence over configFile). */
  readonly config?: Config;
  readonly maxFileSize?: number;
  /** Files or folders of CRDs the cluster serves (`--crds`); they override the bundled definitions of their kinds. */
  readonly crds?: readonly string[];
  /** Replaces the loader (the language server passes one that keeps parsed files between runs). */
  readonly loader?: typeof load;
  /**
   * Objects read from a live cluster (origin `cluster`). The inputs' objects are overlaid on them: a file's object
   * replaces the cluster's object of the same kind, namespace and name, as `istioctl analyze` does.
   */
  readonly clusterResources?: readonly RawResource[];
}

/** A repository read and indexed, not linted: what `meshlint access` and lint() start from. */
export interface Project {
  readonly cwd: string;
  readonly config: Config;
  readonly settings: Settings;
  readonly loaded: LoadResult;
  readonly index: ResourceIndex;
}

/** Reads the inputs (and the CRDs of `--crds`) and indexes them with what the installation provides. */
export async function loadProject(inputs: readonly string[], options: ProjectOptions = {}): Promise<Project> {
  phase("startup");
  const cwd = resolve(options.cwd ?? process.cwd());
  const config = resolveConfig(cwd, options);
  const settings = settingsFor(config, options, cwd);
  phase("config");
  const [loaded, served] = await Promise.all([
    (options.loader ?? load)(inputs, {
      cwd,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
      ...(config.ignore.length ? { ignore: { dir: config.dir, patterns: config.ignore } } : {}),
    }),
    servedCrds(options.crds ?? [], cwd),
  ]);
  const given = resourcesFromRaw([...loaded.resources, ...served, ...(options.clusterResources ?? [])], settings);
  const index = indexResources(overlay(given), settings);
  phase("index");
  return { cwd, config, settings, loaded, index };
}

/**
 * The index of a run: the given resources, then what Kubernetes and the mesh installation are assumed to provide,
 * each only where no given resource has its identity.
 */
export function buildIndex(raw: readonly RawResource[], settings: Settings): ResourceIndex {
  // In the index's order (files by path and document, then cluster objects, then --crds CRDs), so that a change
  // inserts objects where a full build would (see ResourceIndex.withChange).
  return indexResources(resourcesFromRaw(raw, settings), settings);
}

/** Cluster objects that a linted file redefines (same group, kind, namespace and name) are replaced by the file's. */
function overlay(given: readonly Resource[]): readonly Resource[] {
  const fromFiles = new Set(given.filter((r) => r.origin.kind === "file").map((r) => r.id));
  return fromFiles.size ? given.filter((r) => r.origin.kind !== "cluster" || !fromFiles.has(r.id)) : given;
}

/** The index of resources already built (see buildIndex). */
export function indexResources(resources: readonly Resource[], settings: Settings): ResourceIndex {
  const given = [...resources].sort(compareResources);
  return new ResourceIndex([...given, ...provided(given, settings)], settings);
}

/** What Kubernetes and the installation are assumed to provide, besides `given`, ordered by identity. */
function provided(given: readonly Resource[], settings: Settings): Resource[] {
  const ids = new Set(given.map((r) => r.id));
  const out: Resource[] = [];
  for (const r of [...clusterProvided(settings), ...istioProvided(given, settings)]) {
    if (ids.has(r.id)) continue;
    ids.add(r.id);
    out.push(r);
  }
  return out.sort(compareResources);
}

/**
 * A change to an index built by buildIndex, completed with what it changes among the assumed objects: a
 * repository Service named like the ingress gateway's replaces the assumed one, a gateway Deployment of its own makes
 * the assumed one go. Only changes that can matter recompute them.
 */
export function completeChange(index: ResourceIndex, change: IndexChange): IndexChange {
  const settings = index.settings;
  const assumedIds = new Set(provided([], settings).map((r) => r.id));
  const gw = settings.installation.ingressGateway;
  const matters = (r: Resource) => assumedIds.has(r.id) || (gw && r.namespace === gw.namespace && workloadOf(r) !== undefined);
  if (![...change.removed, ...change.added].some(matters)) return change;
  const before = index.all(ANY_KIND).filter(isAssumed);
  const gone = new Set(change.removed);
  const given = [...index.all(ANY_KIND).filter((r) => !isAssumed(r) && !gone.has(r)), ...change.added];
  const after = provided(given, settings);
  const beforeIds = new Set(before.map((r) => r.id));
  const afterIds = new Set(after.map((r) => r.id));
  return {
    removed: [...change.removed, ...before.filter((r) => !afterIds.has(r.id))],
    added: [...change.added, ...after.filter((r) => !beforeIds.has(r.id))],
  };
}

/** The configuration a project with these options uses (`config`, `configFile`, or `.meshlint.yaml` found upward). */
export function resolveConfig(cwd: string, options: ProjectOptions): Config {
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

/**
 * The CustomResourceDefinitions of `--crds`: objects the cluster holds, looked up by the schema rules and never
 * linted (origin `crds`). A file that cannot be read is a usage error: validating against the wrong CRDs would
 * mislead.
 */
async function servedCrds(paths: readonly string[], cwd: string): Promise<RawResource[]> {
  if (paths.length === 0) return [];
  const loaded = await load(paths, { cwd });
  if (loaded.unmatched.length) throw new UsageError(`--crds: no such file or folder: ${loaded.unmatched.join(", ")}`);
  const broken = loaded.issues.find((i) => i.ruleId !== "template-skipped");
  if (broken) throw new UsageError(`--crds: ${broken.file}: cannot read it (${broken.messageId})`);
  return loaded.resources
    .filter((r) => r.kind === "CustomResourceDefinition")
    .map((r) => ({ ...r, origin: { ...r.origin, kind: "crds" as const } }));
}
