// Manifests are untrusted input: code reads them through these narrowing helpers instead of casting, so a field
// of the wrong type is treated as absent (the schema rules report it) and never throws.

export type Json = null | boolean | number | string | readonly Json[] | JsonObject;
export interface JsonObject {
  readonly [key: string]: Json;
}

/** A path into a resource's data, e.g. `["spec", "http", 0, "route", 1, "destination", "subset"]`. */
export type FieldPath = readonly (string | number)[];

/** A field path as users read it: `spec.http[0].route[1].destination.subset`. */
export function formatPath(path: FieldPath): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Sets an own field of a plain object, one named `__proto__` included (which `=` would take for the object's
 * prototype; parsed manifests can hold such a field), as Object.fromEntries and JSON.parse do.
 */
export function setOwn(out: Record<string, unknown>, key: string, value: unknown): void {
  if (key === "__proto__") Object.defineProperty(out, key, { value, writable: true, enumerable: true, configurable: true });
  else out[key] = value;
}

export const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

export const asObject = (v: unknown): JsonObject | undefined => (isObject(v) ? v : undefined);

export const asArray = (v: unknown): readonly Json[] => (Array.isArray(v) ? (v as readonly Json[]) : []);

export const asString = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);

/**
 * A scalar as it reads (a number or a boolean as text); undefined for a list, a map or null. For messages built from
 * values of any type: String() of a map with a key named `toString` throws.
 */
export const scalarText = (v: unknown): string | undefined =>
  typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;

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
