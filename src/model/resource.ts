import { type JsonObject, asObject, asStringMap } from "../base/json.js";
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

/** Whether meshlint was asked to check this resource (rather than assuming it, or being told a CRD is served). */
export const isLinted = (r: Resource): boolean => r.origin.kind === "file";

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
