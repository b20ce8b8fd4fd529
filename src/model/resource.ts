import { type JsonObject, asObject, asString, asStringMap } from "../base/json.js";
import type { Origin } from "../load/origin.js";
import { type KindKey, kindId } from "./kinds.js";

// Resources are read through the JSON helpers of src/base; they are re-exported here because nearly every rule
// needs both.
export {
  type FieldPath,
  type Json,
  type JsonObject,
  asArray,
  asNumber,
  asObject,
  asString,
  asStringMap,
  deepFreeze,
  getPath,
  isObject,
  scalarText,
} from "../base/json.js";
export type { Origin, SourceSpan } from "../load/origin.js";

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

/**
 * Moves a resource to where its unchanged text now is (an edit elsewhere in its file shifted it): the object stays,
 * so that nothing that read it has to run again, and findings on it are placed in the new text. The new origin must
 * be the same file and document (the resource's place in index order does not change).
 */
export function relocate(r: Resource, origin: Origin): void {
  if (origin.file !== r.origin.file || origin.document !== r.origin.document) throw new Error(`relocate: ${r.id} would move to another place`);
  (r as { origin: Origin }).origin = origin;
}

/**
 * Whether meshlint was asked to check this resource (a file's, or a live cluster's), rather than assuming it or being
 * told a CRD is served.
 */
export const isLinted = (r: Resource): boolean => r.origin.kind === "file" || r.origin.kind === "cluster";

/**
 * A document that could not be read but still names its object (see load/): it answers lookups by identity only, so a
 * reference to it resolves, while nothing reads its (empty) content as a fact about the repository.
 */
export const isUnreadable = (r: Resource): boolean => r.origin.kind === "unreadable";

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

export const spec = (r: Resource): JsonObject => asObject(r.data.spec) ?? {};

export const metadata = (r: Resource): JsonObject => asObject(r.data.metadata) ?? {};

export const labelsOf = (r: Resource): Readonly<Record<string, string>> => asStringMap(metadata(r).labels) ?? {};

export const annotationsOf = (r: Resource): Readonly<Record<string, string>> =>
  asStringMap(metadata(r).annotations) ?? {};

const ORIGIN_RANK: Readonly<Record<Origin["kind"], number>> = { file: 0, unreadable: 1, cluster: 2, crds: 3, installation: 4 };

/**
 * The order an index keeps resources in: files by path and document (the loader's order), then objects read from a
 * cluster, then CRDs given with `--crds`, then assumed installation objects; ties by identity. A changed index
 * inserts new objects where a full build would have put them, so both give the same answers.
 */
export function compareResources(a: Resource, b: Resource): number {
  const rank = ORIGIN_RANK[a.origin.kind] - ORIGIN_RANK[b.origin.kind];
  if (rank) return rank;
  const fa = a.origin.file ?? "";
  const fb = b.origin.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  const da = a.origin.document ?? 0;
  const db = b.origin.document ?? 0;
  if (da !== db) return da - db;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * A copy of `list` (kept in `compareResources` order of `resourceOf`, after `first`) with `item` inserted after the
 * elements that sort before it or equal to it.
 */
export function insertOrdered<T>(
  list: readonly T[],
  item: T,
  resourceOf: (t: T) => Resource,
  first: (a: Resource, b: Resource) => number = () => 0,
): T[] {
  const out = list.slice();
  out.splice(orderedPosition(list, item, resourceOf, first), 0, item);
  return out;
}

/** Where insertOrdered puts `item`: after the elements that sort before it or equal to it. */
export function orderedPosition<T>(list: readonly T[], item: T, resourceOf: (t: T) => Resource, first: (a: Resource, b: Resource) => number = () => 0): number {
  const r = resourceOf(item);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const m = resourceOf(list[mid] as T);
    if ((first(m, r) || compareResources(m, r)) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Oldest first, the order in which controllers let one of several competing objects win (Istio, Linkerd, Gateway
 * API): `metadata.creationTimestamp` where the manifest carries one (a manifest without one sorts first), then name,
 * then namespace. Manifests applied together share a timestamp (one-second resolution), so the name decides.
 */
export function byCreation(a: Resource, b: Resource): number {
  const ta = asString(metadata(a).creationTimestamp) ?? "";
  const tb = asString(metadata(b).creationTimestamp) ?? "";
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : 0;
}
