import { statSync } from "node:fs";
import { readRegularTextSync } from "../../base/read-file.js";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { KUSTOMIZATION_FILES } from "../../load/templates.js";
import { type Json, type JsonObject, asArray, asObject, asString } from "../../base/json.js";

/** A patch as a kustomization lists it: in a file, or inline in the kustomization itself (`patch: |`). */
export interface PatchEntry {
  /** The file holding the patch text: the patch file, or the kustomization for an inline patch. */
  readonly file: string;
  /** For an inline patch: where its text sits in the kustomization (the path of the `patch` field). */
  readonly inlineAt?: readonly (string | number)[];
  readonly target?: PatchTarget;
}

/** Kustomize's patch selector; kind, name and namespace are anchored regular expressions. */
export interface PatchTarget {
  readonly group?: string;
  readonly version?: string;
  readonly kind?: string;
  readonly name?: string;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly annotationSelector?: string;
}

/** What meshlint needs of one kustomization file. */
export interface Kustomization {
  readonly file: string;
  readonly dir: string;
  readonly component: boolean;
  /** Folders it builds on (`resources`/`bases` entries that are folders), in order. */
  readonly bases: readonly string[];
  readonly components: readonly string[];
  /** Manifest files among its `resources`. */
  readonly resourceFiles: readonly string[];
  /** Every other local file it reads: patches, generator inputs, transformers, configurations. */
  readonly inputFiles: readonly string[];
  /** In the order kustomize applies them. */
  readonly patches: readonly PatchEntry[];
  /** Remote resources (URLs), which need the network to build. */
  readonly remote: readonly string[];
  readonly helmCharts: boolean;
  readonly data: JsonObject;
}

/** The kustomization file of a folder, if it has one. */
export function kustomizationFileIn(dir: string): string | undefined {
  for (const name of KUSTOMIZATION_FILES) {
    const file = join(dir, name);
    if (isFile(file)) return file;
  }
  return undefined;
}

const isRemote = (entry: string): boolean => /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^(git@|github\.com\/|gitlab\.com\/|bitbucket\.org\/)/.test(entry);

/** Reads a kustomization; undefined when it cannot be parsed (kustomize itself will say why). */
export function readKustomization(file: string): Kustomization | undefined {
  let data: unknown;
  try {
    data = parse(readRegularTextSync(file), { version: "1.1", uniqueKeys: false });
  } catch {
    return undefined;
  }
  const k = asObject(data) ?? {};
  const dir = dirname(file);
  const local = (p: Json | undefined): string | undefined => {
    const s = asString(p);
    return s && !s.includes("\n") && !isRemote(s) ? resolve(dir, s) : undefined;
  };
  const bases: string[] = [];
  const resourceFiles: string[] = [];
  const remote: string[] = [];
  for (const entry of [...asArray(k.resources), ...asArray(k.bases)]) {
    const s = asString(entry);
    if (!s) continue;
    if (isRemote(s)) {
      remote.push(s);
      continue;
    }
    const path = resolve(dir, s);
    if (isDir(path)) bases.push(path);
    else resourceFiles.push(path);
  }
  const components = asArray(k.components).map(local).filter((p): p is string => p !== undefined);

  const patches: PatchEntry[] = [];
  const inputFiles: string[] = [];
  const addPatch = (entry: Json, field: string, index: number) => {
    const o = asObject(entry);
    const path = o ? local(o.path) : local(entry);
    const target = asObject(o?.target) as PatchTarget | undefined;
    if (path) {
      inputFiles.push(path);
      patches.push({ file: path, ...(target ? { target } : {}) });
    } else if (o && typeof o.patch === "string") {
      patches.push({ file, inlineAt: [field, index, "patch"], ...(target ? { target } : {}) });
    }
  };
  // Kustomize v5 turns the legacy fields into `patches` in this order.
  asArray(k.patchesStrategicMerge).forEach((p, i) => {
    if (typeof p === "string" && p.includes("\n")) patches.push({ file, inlineAt: ["patchesStrategicMerge", i] });
    else addPatch(p, "patchesStrategicMerge", i);
  });
  asArray(k.patchesJson6902).forEach((p, i) => addPatch(p, "patchesJson6902", i));
  asArray(k.patches).forEach((p, i) => addPatch(p, "patches", i));
  for (const key of ["transformers", "generators", "validators", "configurations", "crds"]) {
    for (const p of asArray(k[key])) {
      const path = local(p);
      if (path) inputFiles.push(path);
    }
  }
  for (const p of asArray(k.replacements)) {
    const path = local(asObject(p)?.path);
    if (path) inputFiles.push(path);
  }
  for (const gen of [...asArray(k.configMapGenerator), ...asArray(k.secretGenerator)]) {
    const g = asObject(gen);
    for (const f of asArray(g?.files)) {
      const path = local(asString(f)?.split("=").pop());
      if (path) inputFiles.push(path);
    }
    for (const f of asArray(g?.envs)) {
      const path = local(f);
      if (path) inputFiles.push(path);
    }
    const env = local(g?.env);
    if (env) inputFiles.push(env);
  }
  return {
    file,
    dir,
    component: asString(k.kind) === "Component",
    bases,
    components,
    resourceFiles,
    inputFiles,
    patches,
    remote,
    helmCharts: asArray(k.helmCharts).length > 0 || asArray(k.helmChartInflationGenerator).length > 0,
    data: k,
  };
}

/** Every kustomization reachable from a root (the root first), read once each. */
export function kustomizationTree(rootDir: string, cache: Map<string, Kustomization | null>): Kustomization[] {
  const out: Kustomization[] = [];
  const seen = new Set<string>();
  const visit = (dir: string) => {
    if (seen.has(dir)) return;
    seen.add(dir);
    const k = kustomizationAt(dir, cache);
    if (!k) return;
    out.push(k);
    for (const d of [...k.bases, ...k.components]) visit(d);
  };
  visit(rootDir);
  return out;
}

export function kustomizationAt(dir: string, cache: Map<string, Kustomization | null>): Kustomization | undefined {
  if (!cache.has(dir)) {
    const file = kustomizationFileIn(dir);
    cache.set(dir, (file && readKustomization(file)) || null);
  }
  return cache.get(dir) ?? undefined;
}

/**
 * The patches that can have written into an object of the root's build, last applied first: a kustomization's
 * own patches run after its components' and after everything its bases produced.
 */
export function patchesByPrecedence(rootDir: string, cache: Map<string, Kustomization | null>): PatchEntry[] {
  const applied: PatchEntry[] = [];
  const walk = (dir: string, stack: Set<string>) => {
    if (stack.has(dir)) return;
    const k = kustomizationAt(dir, cache);
    if (!k) return;
    const inner = new Set(stack).add(dir);
    for (const base of k.bases) walk(base, inner);
    for (const component of k.components) walk(component, inner);
    applied.push(...k.patches);
  };
  walk(rootDir, new Set());
  return applied.reverse();
}

/**
 * Render roots among the kustomizations found: those that no other found kustomization builds on or includes as a
 * component. Components are never roots (they cannot be built alone).
 */
export function kustomizationRoots(found: readonly Kustomization[]): Kustomization[] {
  const included = new Set<string>();
  for (const k of found) for (const d of [...k.bases, ...k.components]) included.add(d);
  return found.filter((k) => !k.component && !included.has(k.dir));
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function isDir(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
