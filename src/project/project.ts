import { resolve } from "node:path";
import { phase } from "../base/timing.js";
import { type Config, ConfigError, emptyConfig, findConfigFile, loadConfig } from "../engine/config.js";
import { istioProvided } from "../istio/installation.js";
import { type LoadResult, type RawResource, load } from "../load/load.js";
import { clusterProvided } from "../model/installation.js";
import type { Resource } from "../model/resource.js";
import { ResourceIndex, resourcesFromRaw } from "../model/resource-index.js";
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
  const index = buildIndex([...loaded.resources, ...served], settings);
  phase("index");
  return { cwd, config, settings, loaded, index };
}

/**
 * The index of a run: the given resources, then what Kubernetes and the mesh installation are assumed to provide,
 * each only where no given resource has its identity.
 */
export function buildIndex(raw: readonly RawResource[], settings: Settings): ResourceIndex {
  const given = resourcesFromRaw(raw, settings);
  const ids = new Set(given.map((r) => r.id));
  const provided: Resource[] = [];
  for (const r of [...clusterProvided(settings), ...istioProvided(given, settings)]) {
    if (ids.has(r.id)) continue;
    ids.add(r.id);
    provided.push(r);
  }
  return new ResourceIndex([...given, ...provided], settings);
}

function resolveConfig(cwd: string, options: ProjectOptions): Config {
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
