import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { stringify } from "yaml";
import { type RawResource, parseManifests } from "../../load/load.js";
import { type JsonObject, deepFreeze } from "../../base/json.js";
import type { SourceSpan } from "../../load/origin.js";
import { type ToolRun, runTool } from "../process.js";
import type { SourceFiles } from "../source-docs.js";
import { type Kustomization, kustomizationTree, patchesByPrecedence } from "./kustomization.js";
import { traceObject } from "./trace.js";

/** A folder to build, with what an Argo CD Application or Flux Kustomization adds around it. */
export interface KustomizeRoot {
  readonly dir: string;
  readonly namespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly patches?: readonly JsonObject[];
  readonly components?: readonly string[];
  readonly namespaceAt?: () => SourceSpan | undefined;
}

export interface KustomizeBuild {
  readonly run: ToolRun;
  readonly resources: readonly RawResource[];
  /** The kustomizations read and every file they name (absolute paths). */
  readonly files: ReadonlySet<string>;
  readonly tree: readonly Kustomization[];
}

/**
 * Builds a root through a throw-away kustomization beside it in the temp folder, which adds
 * `buildMetadata: [originAnnotations]` (so every object says which file it came from) and the options of the
 * Argo CD Application or Flux Kustomization that deploys it, without touching the user's files.
 */
export async function buildKustomization(
  root: KustomizeRoot,
  command: readonly string[],
  sources: SourceFiles,
  cache: Map<string, Kustomization | null>,
  timeoutMs: number,
): Promise<KustomizeBuild> {
  const tree = kustomizationTree(root.dir, cache);
  const files = new Set<string>();
  for (const k of tree) for (const f of [k.file, ...k.resourceFiles, ...k.inputFiles]) files.add(f);
  const wrapper = mkdtempSync(join(tmpdir(), "meshlint-kustomize-"));
  try {
    const posix = (p: string) => p.split(sep).join("/");
    const spec: Record<string, unknown> = {
      apiVersion: "kustomize.config.k8s.io/v1beta1",
      kind: "Kustomization",
      resources: [posix(relative(wrapper, root.dir))],
      buildMetadata: ["originAnnotations"],
    };
    if (root.namespace) spec.namespace = root.namespace;
    if (root.namePrefix) spec.namePrefix = root.namePrefix;
    if (root.nameSuffix) spec.nameSuffix = root.nameSuffix;
    if (root.components?.length) spec.components = root.components.map((c) => posix(relative(wrapper, c)));
    if (root.patches?.length) spec.patches = root.patches;
    writeFileSync(join(wrapper, "kustomization.yaml"), stringify(spec));
    const helm = tree.some((k) => k.helmCharts) ? ["--enable-helm"] : [];
    const run = await runTool([...command, ...helm, wrapper], wrapper, timeoutMs);
    if (!run.ok) return { run, resources: [], files, tree };
    const parsed = parseManifests(`${root.dir}/(kustomize build)`, run.stdout);
    const build = { buildDir: wrapper, rootFile: tree[0]?.file ?? join(root.dir, "kustomization.yaml"), tree, patches: patchesByPrecedence(root.dir, cache), sources, ...(root.namespaceAt ? { namespaceAt: root.namespaceAt } : {}) };
    const resources = parsed.resources.map((r) => {
      if (r.origin.kind === "unreadable") return r;
      const traced = traceObject(r.data, build);
      return { apiVersion: r.apiVersion, kind: r.kind, data: deepFreeze(traced.data), origin: traced.origin };
    });
    return { run, resources, files, tree };
  } finally {
    // Origins are traced lazily (on report), but only through `sources`, which holds what it needs already read.
    rmSync(wrapper, { recursive: true, force: true });
  }
}
