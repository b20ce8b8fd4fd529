import { resolve } from "node:path";
import { parse } from "yaml";
import type { FieldPath, JsonObject } from "../../base/json.js";
import type { Origin, SourceSpan } from "../../load/origin.js";
import { asArray, asObject, asString, asStringMap, isObject } from "../../base/json.js";
import type { SourceDoc, SourceFiles } from "../source-docs.js";
import type { Kustomization, PatchEntry, PatchTarget } from "./kustomization.js";

export const ORIGIN_ANNOTATION = "config.kubernetes.io/origin";
const BUILD_ANNOTATIONS = [ORIGIN_ANNOTATION, "alpha.config.kubernetes.io/transformations"];

/** What tracing needs to know about one build. */
export interface BuildTrace {
  /** The folder `kustomize build` ran on: origin paths are relative to it. */
  readonly buildDir: string;
  /** The root's kustomization file, for objects whose source is not a local file. */
  readonly rootFile: string;
  /** Every kustomization of the build, the root first. */
  readonly tree: readonly Kustomization[];
  /** Patches that may have written into objects, last applied first. */
  readonly patches: readonly PatchEntry[];
  /** Where a namespace set around the root (an Argo CD Application, a Flux Kustomization) is written. */
  readonly namespaceAt?: () => SourceSpan | undefined;
  readonly sources: SourceFiles;
}

/** A rendered object with its build annotations removed and an origin that points into the source files. */
export function traceObject(rendered: JsonObject, build: BuildTrace): { data: JsonObject; origin: Origin } {
  const metadata = asObject(rendered.metadata) ?? {};
  const annotations = asStringMap(metadata.annotations) ?? {};
  const origin = readOrigin(annotations[ORIGIN_ANNOTATION]);
  const data = withoutBuildAnnotations(rendered);
  // Source documents are read only when a finding needs a position.
  let traced: { home: SourceDoc; patches: Candidate[] } | undefined;
  const trace = () => {
    if (!traced) {
      const home = homeOf(data, origin, build);
      const sourceName = asString(asObject(asObject(home.value)?.metadata)?.name);
      traced = { home, patches: applicablePatches(data, sourceName, build) };
    }
    return traced;
  };
  return {
    data,
    origin: {
      kind: "file",
      file: build.sources.show(homeFile(origin, build)),
      locate: (path, part) => {
        const { home, patches } = trace();
        return locateField(data, path, part, home, patches, build);
      },
    },
  };
}

function homeFile(origin: OriginAnnotation, build: BuildTrace): string {
  if (origin.repo) return build.rootFile;
  if (origin.path) return resolve(build.buildDir, origin.path);
  if (origin.configuredIn) return resolve(build.buildDir, origin.configuredIn);
  return build.rootFile;
}

interface OriginAnnotation {
  readonly path?: string | undefined;
  readonly repo?: string | undefined;
  readonly configuredIn?: string | undefined;
}

function readOrigin(text: string | undefined): OriginAnnotation {
  if (!text) return {};
  try {
    const o = asObject(parse(text)) ?? {};
    return { path: asString(o.path), repo: asString(o.repo), configuredIn: asString(o.configuredIn) };
  } catch {
    return {};
  }
}

function withoutBuildAnnotations(rendered: JsonObject): JsonObject {
  const metadata = asObject(rendered.metadata);
  const annotations = asObject(metadata?.annotations);
  if (!metadata || !annotations || !BUILD_ANNOTATIONS.some((a) => a in annotations)) return rendered;
  const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !BUILD_ANNOTATIONS.includes(k)));
  const rest = Object.fromEntries(Object.entries(metadata).filter(([k]) => k !== "annotations"));
  return { ...rendered, metadata: Object.keys(kept).length ? { ...rest, annotations: kept } : rest };
}

/** The document the object was written in (an item of a List counts as a document). */
function homeOf(data: JsonObject, origin: OriginAnnotation, build: BuildTrace): SourceDoc {
  const kind = asString(data.kind);
  const name = asString(asObject(data.metadata)?.name) ?? "";
  if (origin.path && !origin.repo) {
    const candidates = build.sources.docs(resolve(build.buildDir, origin.path)).flatMap(listItems);
    const best = pickByName(candidates, kind, name);
    if (best) return best;
  }
  if (origin.configuredIn && !origin.repo) {
    const file = resolve(build.buildDir, origin.configuredIn);
    const doc = build.sources.docs(file)[0];
    if (doc) return generatorEntry(doc, name);
  }
  const root = build.sources.docs(build.rootFile)[0];
  if (root) return { ...root, locate: (_path, part) => root.locate(["resources"], part) ?? root.locate([], part) };
  return { value: undefined, file: build.rootFile, locate: () => undefined };
}

function listItems(doc: SourceDoc): SourceDoc[] {
  const o = asObject(doc.value);
  if (!o || !Array.isArray(o.items) || !String(o.kind ?? "").endsWith("List")) return [doc];
  return o.items.map((item, i) => ({ value: item, file: doc.file, locate: (path, part) => doc.locate(["items", i, ...path], part) }));
}

/**
 * Kustomize changes names (prefixes, suffixes, hashes) and a patch may even change the kind: the source document is
 * the one whose name the rendered name contains, of the same kind when there is one.
 */
function pickByName(candidates: readonly SourceDoc[], kind: string | undefined, name: string): SourceDoc | undefined {
  const nameOf = (d: SourceDoc) => asString(asObject(asObject(d.value)?.metadata)?.name) ?? "";
  const kindOf = (d: SourceDoc) => asString(asObject(d.value)?.kind);
  const contained = candidates.filter((d) => nameOf(d) !== "" && name.includes(nameOf(d)));
  const longest = (ds: SourceDoc[]) => [...ds].sort((a, b) => nameOf(b).length - nameOf(a).length)[0];
  return (
    longest(contained.filter((d) => kindOf(d) === kind)) ??
    longest(contained) ??
    (candidates.filter((d) => kindOf(d) === kind).length === 1 ? candidates.find((d) => kindOf(d) === kind) : undefined) ??
    candidates[0]
  );
}

/** A generated object (configMapGenerator, secretGenerator) is located at its generator's entry. */
function generatorEntry(kustomization: SourceDoc, name: string): SourceDoc {
  const k = asObject(kustomization.value) ?? {};
  for (const field of ["configMapGenerator", "secretGenerator"]) {
    const i = asArray(k[field]).findIndex((g) => {
      const n = asString(asObject(g)?.name);
      return n !== undefined && name.includes(n);
    });
    if (i >= 0) return { value: undefined, file: kustomization.file, locate: (_path, part) => kustomization.locate([field, i, "name"], part) };
  }
  return { value: undefined, file: kustomization.file, locate: (_path, part) => kustomization.locate([], part) };
}

interface Candidate {
  readonly doc: SourceDoc;
  readonly json6902: boolean;
}

function applicablePatches(data: JsonObject, sourceName: string | undefined, build: BuildTrace): Candidate[] {
  const out: Candidate[] = [];
  for (const entry of build.patches) {
    const docs = entry.inlineAt ? build.sources.inline(entry.file, entry.inlineAt) : build.sources.docs(entry.file);
    for (const doc of docs) {
      const ops = Array.isArray(doc.value);
      if (ops) {
        if (entry.target && targets(entry.target, data, sourceName)) out.push({ doc, json6902: true });
      } else if (isObject(doc.value)) {
        const applies = entry.target ? targets(entry.target, data, sourceName) : sameObject(doc.value, data, sourceName);
        if (applies) out.push({ doc, json6902: false });
      }
    }
  }
  return out;
}

/** A strategic-merge patch names its object by kind and name (the name as it was before later prefixes). */
function sameObject(patch: JsonObject, data: JsonObject, sourceName: string | undefined): boolean {
  if (patch.kind !== data.kind) return false;
  const name = asString(asObject(patch.metadata)?.name);
  const rendered = asString(asObject(data.metadata)?.name) ?? "";
  return name !== undefined && (rendered.includes(name) || name === sourceName);
}

function targets(target: PatchTarget, data: JsonObject, sourceName: string | undefined): boolean {
  const [group, version] = splitApiVersion(asString(data.apiVersion) ?? "");
  const metadata = asObject(data.metadata) ?? {};
  const name = asString(metadata.name) ?? "";
  const anchored = (pattern: string | undefined, value: string) => {
    if (pattern === undefined || pattern === "") return true;
    try {
      return new RegExp(`^(?:${pattern})$`).test(value);
    } catch {
      return pattern === value;
    }
  };
  if (target.group !== undefined && target.group !== group) return false;
  if (target.version !== undefined && target.version !== version) return false;
  if (!anchored(target.kind, asString(data.kind) ?? "")) return false;
  if (target.name && !anchored(target.name, name) && !(sourceName !== undefined && anchored(target.name, sourceName)) && !name.includes(target.name)) return false;
  if (target.labelSelector && !selects(target.labelSelector, asStringMap(metadata.labels) ?? {})) return false;
  if (target.annotationSelector && !selects(target.annotationSelector, asStringMap(metadata.annotations) ?? {})) return false;
  return true;
}

function splitApiVersion(apiVersion: string): [string, string] {
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? ["", apiVersion] : [apiVersion.slice(0, slash), apiVersion.slice(slash + 1)];
}

/** Equality-based selectors (`app=web,tier!=db,canary`); set-based ones are taken to match. */
function selects(selector: string, labels: Readonly<Record<string, string>>): boolean {
  return selector.split(",").every((term) => {
    const t = term.trim();
    if (!t || /\s(in|notin)\s/.test(t)) return true;
    const m = /^(!?)([^=!]+?)(?:\s*(==|=|!=)\s*(.*))?$/.exec(t);
    if (!m) return true;
    const [, not, key = "", op, value = ""] = m;
    if (!op) return not ? !(key in labels) : key in labels;
    return op === "!=" ? labels[key] !== value : labels[key] === value;
  });
}

// ---- locating a field ------------------------------------------------------------------------------------------

function locateField(
  data: JsonObject,
  path: FieldPath,
  part: "key" | "value" | undefined,
  home: SourceDoc,
  patches: readonly Candidate[],
  build: BuildTrace,
): SourceSpan | undefined {
  // A field that is not there (a rule reporting what is missing) belongs to whoever wrote its nearest parent.
  let known = path.length;
  while (known > 0 && valueAt(data, path.slice(0, known)) === undefined) known--;
  const present = path.slice(0, known);
  const tail = path.slice(known);
  const rendered = valueAt(data, present);
  const scalar = rendered === null || typeof rendered !== "object";

  for (const { doc, json6902 } of patches) {
    const found = json6902 ? inJsonPatch(doc, data, present) : follow(doc.value, data, present);
    if (!found) continue;
    if (scalar ? looselyEqual(found.value, rendered) : tail.length > 0 || deepEqual(found.value, rendered)) {
      return doc.locate([...found.path, ...tail], part);
    }
  }
  const inHome = follow(home.value, data, present);
  if (inHome && (!scalar || looselyEqual(inHome.value, rendered))) return home.locate([...inHome.path, ...tail], part);
  if (path[0] === "metadata" && path[1] === "namespace") {
    const at = namespaceWriter(build, asString(asObject(data.metadata)?.namespace));
    if (at) return at;
  }
  return home.locate(inHome ? [...inHome.path, ...tail] : path, part);
}

/** Where the namespace an object ended up in was set: around the root, or by the outermost kustomization setting it. */
function namespaceWriter(build: BuildTrace, namespace: string | undefined): SourceSpan | undefined {
  if (namespace === undefined) return undefined;
  const around = build.namespaceAt?.();
  if (around) return around;
  for (const k of build.tree) {
    if (asString(k.data.namespace) !== namespace) continue;
    const doc = build.sources.docs(k.file)[0];
    const at = doc?.locate(["namespace"], "value");
    if (at) return at;
  }
  return undefined;
}

function valueAt(root: unknown, path: FieldPath): unknown {
  let node = root;
  for (const seg of path) {
    if (typeof seg === "number") node = Array.isArray(node) ? node[seg] : undefined;
    else node = isObject(node) ? node[seg] : undefined;
    if (node === undefined) return undefined;
  }
  return node;
}

const MERGE_KEYS = ["name", "mountPath", "containerPort", "port", "devicePath", "ip"];

/** The key a strategic merge matches list items by, when the item has one. */
function mergeKeyOf(item: unknown): { key: string; value: unknown } | undefined {
  if (!isObject(item)) return undefined;
  for (const key of MERGE_KEYS) if (item[key] !== undefined && typeof item[key] !== "object") return { key, value: item[key] };
  return undefined;
}

/**
 * The node of a source document that corresponds to a path of the rendered object: map keys are followed as they
 * are, list items by their merge key (containers by name, ports by port) or, without one, by position.
 */
function follow(source: unknown, rendered: unknown, path: FieldPath): { path: (string | number)[]; value: unknown } | undefined {
  let s = source;
  let r = rendered;
  const out: (string | number)[] = [];
  for (const seg of path) {
    if (typeof seg === "number") {
      if (!Array.isArray(s) || !Array.isArray(r)) return undefined;
      const item: unknown = r[seg];
      const merge = mergeKeyOf(item);
      const j = merge ? s.findIndex((x) => isObject(x) && x[merge.key] === merge.value) : seg < s.length ? seg : -1;
      if (j < 0) return undefined;
      s = s[j];
      r = item;
      out.push(j);
    } else {
      if (!isObject(s) || !(seg in s)) return undefined;
      s = s[seg];
      r = isObject(r) ? r[seg] : undefined;
      out.push(seg);
    }
  }
  return { path: out, value: s };
}

/** The node of a JSON 6902 patch that wrote a path: the last add/replace whose path is the field or one of its parents. */
function inJsonPatch(doc: SourceDoc, data: JsonObject, path: FieldPath): { path: (string | number)[]; value: unknown } | undefined {
  const ops = asArray(doc.value);
  for (let i = ops.length - 1; i >= 0; i--) {
    const op = asObject(ops[i]);
    const kind = asString(op?.op);
    const pointer = asString(op?.path);
    if (!op || pointer === undefined || !["add", "replace", "copy", "move"].includes(kind ?? "")) continue;
    const segs = pointerSegments(pointer);
    if (segs.length > path.length) continue;
    const matches = segs.every((seg, k) => seg === String(path[k]) || (seg === "-" && k === segs.length - 1 && typeof path[k] === "number"));
    if (!matches) continue;
    if (kind === "copy" || kind === "move") return segs.length === path.length ? { path: [i, "path"], value: valueAt(data, path) } : undefined;
    const rest = path.slice(segs.length);
    const found = follow(op.value, valueAt(data, path.slice(0, segs.length)), rest);
    if (found) return { path: [i, "value", ...found.path], value: found.value };
  }
  return undefined;
}

const pointerSegments = (pointer: string): string[] =>
  pointer === "" ? [] : pointer.replace(/^\//, "").split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));

function looselyEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a === "object" || typeof b === "object") return false;
  return String(a) === String(b);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return looselyEqual(a, b);
}
