import { type KindKey, kindId } from "./kinds.js";

export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json;
}

/** A path into a resource's data, e.g. `["spec", "http", 0, "route", 1, "destination", "subset"]`. */
export type FieldPath = readonly (string | number)[];

/** 0-based, end-exclusive UTF-16 offsets into one file, with the 1-based line/column they start and end at. */
export interface SourceSpan {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
}

/** Where a resource came from. Resources that came from no file (assumed installation objects) cannot be located. */
export interface Origin {
  readonly kind: "file" | "installation";
  /** Path as shown to users: relative to the working directory, `/`-separated; `<stdin>` for standard input. */
  readonly file?: string;
  /** Number of the YAML document in its file (0-based, counting the documents that are not empty). */
  readonly document?: number;
  /**
   * The source range of a field. A path that does not exist falls back to the nearest existing parent
   * (the parent's key), so a missing field is reported where it should have been written.
   */
  locate(path: FieldPath, part?: "key" | "value"): SourceSpan | undefined;
}

export interface ResourceRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

export interface Resource {
  readonly apiVersion: string;
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  /** Defaulted: `--namespace` (default `default`) for namespaced kinds without one, `""` for cluster-scoped kinds. */
  readonly namespace: string;
  readonly name: string;
  /** Whether the manifest itself named the namespace (rather than it being defaulted). */
  readonly namespaceWritten: boolean;
  /** The parsed manifest, deep-frozen. */
  readonly data: JsonObject;
  readonly origin: Origin;
  /** `group/Kind/namespace/name`: the identity Kubernetes stores the object under. */
  readonly id: string;
}

export const identity = (k: KindKey, namespace: string, name: string): string => `${kindId(k)}/${namespace}/${name}`;

export const refOf = (r: Resource): ResourceRef => ({
  apiVersion: r.apiVersion,
  kind: r.kind,
  namespace: r.namespace,
  name: r.name,
});

/** `Kind namespace/name` (or `Kind name` for cluster-scoped objects), the way istioctl prints a resource. */
export const displayName = (r: { kind: string; namespace: string; name: string }): string =>
  r.namespace ? `${r.kind} ${r.namespace}/${r.name}` : `${r.kind} ${r.name}`;

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

// Manifests are untrusted input: rules read them through these narrowing helpers instead of casting, so a
// field of the wrong type is treated as absent (the schema rules report it) and never throws.

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

export const asObject = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);

export const asArray = (v: unknown): readonly Json[] => (Array.isArray(v) ? (v as readonly Json[]) : []);

export const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

export const asNumber = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);

/** A string-valued map such as labels or a selector; non-string values are dropped. */
export function asStringMap(v: unknown): Readonly<Record<string, string>> | undefined {
  if (!isObject(v)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

export function getPath(root: unknown, path: FieldPath): Json | undefined {
  let node: unknown = root;
  for (const seg of path) {
    if (typeof seg === "number") {
      if (!Array.isArray(node)) return undefined;
      node = node[seg];
    } else {
      if (!isObject(node)) return undefined;
      node = node[seg];
    }
    if (node === undefined) return undefined;
  }
  return node as Json;
}

export const spec = (r: Resource): JsonObject => asObject(r.data.spec) ?? {};

export const metadata = (r: Resource): JsonObject => asObject(r.data.metadata) ?? {};

export const labelsOf = (r: Resource): Readonly<Record<string, string>> => asStringMap(metadata(r).labels) ?? {};

export const annotationsOf = (r: Resource): Readonly<Record<string, string>> =>
  asStringMap(metadata(r).annotations) ?? {};
