import { dirname, resolve } from "node:path";
import { phase } from "../base/timing.js";
import { BASELINE_FILE } from "../engine/baseline.js";
import { type Config, ConfigError, configFileFor, emptyConfig, findUpward, loadConfig, lookupFolder } from "../engine/config.js";
import { istioProvided } from "../istio/installation.js";
import { gitTop } from "../load/git.js";
import { type LoadIssue, type LoadResult, type LoadedFile, type RawResource, load, templateIssue } from "../load/load.js";
import type { SourceFile } from "../load/source-file.js";
import { type Deployment, type RenderOptions, type RenderResult, needsRendering, render } from "../render/render.js";
import { clusterProvided, isAssumed } from "../model/installation.js";
import { K } from "../model/kinds.js";
import { type Resource, compareResources, isUnreadable } from "../model/resource.js";
import { ANY_KIND, type IndexChange, type IndexOptions, ResourceIndex, resourcesFromRaw } from "../model/resource-index.js";
import { workloadOf } from "../model/workloads.js";
import type { Settings } from "../model/settings.js";
import { type SettingsOptions, UsageError, settingsFor } from "./settings.js";
import type { RunCache } from "./run-cache.js";

export interface ProjectOptions extends SettingsOptions {
  /** Folder that relative inputs and displayed paths are relative to (default: process.cwd()). */
  readonly cwd?: string;
  /** Standard input's bytes or text, read when an input is `-`. */
  readonly stdin?: string | Uint8Array;
  /**
   * The path standard input stands for (`--stdin-filename`, relative to cwd): shown in findings, used to find the
   * configuration, matched by ignore files; it replaces that file when the file is read from disk too.
   */
  readonly stdinFilename?: string;
  /** An explicit config file (`--config`); otherwise the nearest `.meshlint.yaml` above the linted paths. */
  readonly configFile?: string;
  /** The paths the configuration is looked up from, when not the inputs (`--repo-context`: the named paths). */
  readonly configFrom?: readonly string[];
  /** A config already loaded (takes precedence over configFile). */
  readonly config?: Config;
  readonly maxFileSize?: number;
  /** Bytes of input files read in all (default 64 MB, or maxFileSize when larger). */
  readonly maxTotalSize?: number;
  /** Files or folders of CRDs the cluster serves (`--crds`); they override the bundled definitions of their kinds. */
  readonly crds?: readonly string[];
  /**
   * How Kustomize overlays and Helm charts are rendered (commands, values, timeout), or `false` to leave their
   * files unread, skipped as templates.
   */
  readonly render?: false | Omit<RenderOptions, "cwd">;
  /** Replaces the loader (the language server passes one that keeps parsed files between runs). */
  readonly loader?: typeof load;
  /**
   * Objects read from a live cluster (origin `cluster`). The inputs' objects are overlaid on them: a file's object
   * replaces the cluster's object of the same kind, namespace and name, as `istioctl analyze` does.
   */
  readonly clusterResources?: readonly RawResource[];
  /** Work kept between runs (`--cache`): files' parses here, their objects' schema reports in lint(). */
  readonly cache?: RunCache;
  /** Whether the indexes will be changed afterwards (default true; see IndexOptions). */
  readonly indexChanges?: boolean;
  /** Whether the texts of files read from disk may be dropped once parsed (see LoadOptions.forgetTexts). */
  readonly forgetTexts?: boolean;
}

/**
 * A set of objects deployed together: the plain manifests alone, or the plain manifests with one rendered root.
 * Rules run once per world, so two overlays that both define an object are not duplicates of each other.
 */
export interface World {
  /** The rendered root, or undefined for the plain manifests alone. */
  readonly deployment: Deployment | undefined;
  readonly index: ResourceIndex;
}

/** A repository read, rendered and indexed, not linted: what `meshlint access` and lint() start from. */
export interface Project {
  readonly cwd: string;
  readonly config: Config;
  readonly settings: Settings;
  readonly loaded: LoadResult;
  /** Every object: the plain manifests and every deployment's rendered objects. */
  readonly index: ResourceIndex;
  /** The manifests linted as they are (not read by a successful render). */
  readonly plain: readonly RawResource[];
  /** What every world holds: the plain manifests, the --crds CRDs and the cluster's objects. */
  readonly shared: readonly RawResource[];
  readonly deployments: readonly Deployment[];
  /** The plain manifests alone, then the plain manifests with each deployment (one world when nothing is rendered). */
  readonly worlds: readonly World[];
  /** The loader's and the renderers' findings about inputs. */
  readonly issues: readonly LoadIssue[];
  /** Every input file, rendered ones marked so. */
  readonly files: readonly LoadedFile[];
  /** Source texts by displayed path; positions in rendered objects are found lazily, so ask after placing findings. */
  sources(): Map<string, SourceFile>;
}

/** Reads the inputs (and the CRDs of `--crds`) and indexes them with what the installation provides. */
export async function loadProject(inputs: readonly string[], options: ProjectOptions = {}): Promise<Project> {
  phase("startup");
  const cwd = resolve(options.cwd ?? process.cwd());
  const config = resolveConfig(cwd, options, inputs);
  const settings = settingsFor(config, options, cwd);
  phase("config");
  const [loaded, served] = await Promise.all([
    (options.loader ?? load)(inputs, {
      cwd,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.stdinFilename !== undefined ? { stdinFilename: resolve(cwd, options.stdinFilename) } : {}),
      ...(options.maxFileSize !== undefined ? { maxFileSize: options.maxFileSize } : {}),
      ...(options.maxTotalSize !== undefined ? { maxTotalSize: options.maxTotalSize } : {}),
      ...(config.ignore.length ? { ignore: { dir: config.dir, patterns: config.ignore } } : {}),
      ...(options.cache ? { parsed: options.cache.files(config, settings) } : {}),
      ...(options.forgetTexts ? { forgetTexts: true } : {}),
    }),
    servedCrds(options.crds ?? [], cwd),
  ]);
  const rendered =
    options.render === false || !needsRendering(loaded) ? undefined : await render(loaded, { cwd, top: (await gitTop(cwd)) ?? cwd, ...options.render });
  if (rendered) phase("render");
  const { plain, deployments, issues, files, sources } = assemble(loaded, rendered);
  const context = [...plain, ...served, ...(options.clusterResources ?? [])];
  const base = resourcesFromRaw(context, settings);
  const indexOptions: IndexOptions = { changes: options.indexChanges ?? true };
  const worlds: World[] = [{ deployment: undefined, index: indexResources(overlay(base), settings, indexOptions) }];
  const renderedObjects: Resource[] = [];
  for (const deployment of deployments) {
    // A deployment's objects that name no namespace land in its own (Argo CD's destination, the Helm release's);
    // they are read with the plain manifests, whose CRDs tell which kinds are cluster-scoped.
    const own = resourcesFromRaw([...context, ...deployment.resources], deployment.defaultNamespace ? { ...settings, defaultNamespace: deployment.defaultNamespace } : settings).slice(context.length);
    renderedObjects.push(...own);
    worlds.push({ deployment, index: indexResources(overlay([...base, ...own]), settings, indexOptions) });
  }
  const index = deployments.length === 0 ? worlds[0]!.index : indexResources(overlay([...base, ...renderedObjects]), settings, indexOptions);
  phase("index");
  return { cwd, config, settings, loaded, index, plain, shared: context, deployments, worlds, issues, files, sources };
}

/** The plain manifests and the rendered deployments, the loader's and the renderers' findings merged. */
function assemble(loaded: LoadResult, rendered: RenderResult | undefined) {
  if (!rendered) {
    return { plain: loaded.resources, deployments: [], issues: loaded.issues, files: loaded.files, sources: () => new Map(loaded.sources) };
  }
  const consumed = (file: string | undefined) => file !== undefined && rendered.consumes(file);
  // Templates outside every root (a loose Helm template, a patch no kustomization names) are still skipped, once.
  const leftover = (tool: "helm" | "kustomize") => loaded.files.filter((f) => f.template === tool && !rendered.attempted(f.file)).map((f) => f.file);
  const issues = [
    ...loaded.issues.filter((i) => i.ruleId !== "template-skipped" && !consumed(i.file)),
    ...rendered.issues,
    ...(["helm", "kustomize"] as const).flatMap((tool) => {
      const left = leftover(tool);
      return left.length ? [templateIssue(tool, left)] : [];
    }),
  ];
  return {
    plain: loaded.resources.filter((r) => !consumed(r.origin.file)),
    deployments: rendered.deployments,
    issues,
    files: loaded.files.map((f): LoadedFile => (consumed(f.file) ? { file: f.file, resources: 0, status: "rendered" } : f)),
    sources: () => new Map([...rendered.sources(), ...loaded.sources]),
  };
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
  // Without cluster objects there is nothing to replace (a set of every identity cost a tenth of the index at 100k).
  if (!given.some((r) => r.origin.kind === "cluster")) return given;
  const fromFiles = new Set(given.filter((r) => r.origin.kind === "file").map((r) => r.id));
  return fromFiles.size ? given.filter((r) => r.origin.kind !== "cluster" || !fromFiles.has(r.id)) : given;
}

/** The index of resources already built (see buildIndex). */
export function indexResources(resources: readonly Resource[], settings: Settings, options?: IndexOptions): ResourceIndex {
  const given = [...resources].sort(compareResources);
  // An unreadable document's object is no evidence of what the installation provides (its content is unknown).
  const readable = given.some(isUnreadable) ? given.filter((r) => !isUnreadable(r)) : given;
  return new ResourceIndex([...given, ...provided(readable, settings)], settings, options);
}

/** What Kubernetes and the installation are assumed to provide, besides `given`, ordered by identity. */
function provided(given: readonly Resource[], settings: Settings): Resource[] {
  // The few assumed identities are looked for among the given objects, not the other way round: a set of every
  // given identity is a hash table the size of the repository, which at 100k resources no cache holds.
  const candidates = new Map<string, Resource>();
  for (const r of [...clusterProvided(settings), ...istioProvided(given, settings)]) if (!candidates.has(r.id)) candidates.set(r.id, r);
  for (const r of given) candidates.delete(r.id);
  return [...candidates.values()].sort(compareResources);
}

/**
 * A change to an index built by buildIndex, completed with what it changes among the assumed objects: a
 * repository Service named like the ingress gateway's replaces the assumed one, a gateway Deployment of its own makes
 * the assumed one go, a Gateway API Gateway brings the Service Istio deploys for it. Only changes that can matter
 * recompute them.
 */
/** What an installation assumes depends on the settings only: asked once per settings, not once per change. */
const assumedIdsBySettings = new WeakMap<Settings, ReadonlySet<string>>();

export function completeChange(index: ResourceIndex, change: IndexChange): IndexChange {
  const settings = index.settings;
  let assumedIds = assumedIdsBySettings.get(settings);
  if (!assumedIds) {
    assumedIds = new Set(provided([], settings).map((r) => r.id));
    assumedIdsBySettings.set(settings, assumedIds);
  }
  const gatewayNamespaces = new Set(settings.installation.gateways.map((gw) => gw.namespace));
  const matters = (r: Resource) =>
    assumedIds.has(r.id) || (gatewayNamespaces.has(r.namespace) && workloadOf(r) !== undefined) || r.kind === K.KubernetesGateway.kind;
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
/**
 * The configuration of a run: `--config`, else the nearest `.meshlint.yaml` above the linted paths (all must agree),
 * else none; without a file, the baseline is looked for above the paths in the same way, and the working folder is
 * the fallback.
 */
export function resolveConfig(cwd: string, options: ProjectOptions, inputs: readonly string[] = ["."]): Config {
  if (options.config) return options.config;
  const from = options.configFrom ?? inputs;
  try {
    if (options.configFile) return loadConfig(resolve(cwd, options.configFile));
    const found = configFileFor(from, cwd, options.stdinFilename);
    if (found) return loadConfig(found);
    const baselines = new Set((from.length ? from : ["."]).map((i) => findUpward([BASELINE_FILE], lookupFolder(i, cwd, options.stdinFilename))));
    const baseline = baselines.size === 1 ? [...baselines][0] : undefined;
    return emptyConfig(baseline ? dirname(baseline) : cwd);
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
  if (broken) throw new UsageError(`--crds: ${broken.file}: cannot read it (${String(broken.data.reason ?? broken.messageId)})`);
  return loaded.resources
    .filter((r) => r.kind === "CustomResourceDefinition")
    .map((r) => ({ ...r, origin: { ...r.origin, kind: "crds" as const } }));
}
