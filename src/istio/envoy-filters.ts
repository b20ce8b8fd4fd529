import { type FieldPath, type Resource, asArray, asObject, asString, spec } from "../model/resource.js";

/** One entry of an EnvoyFilter's `configPatches`, as the patch analyzers need it. */
export interface ConfigPatch {
  readonly index: number;
  readonly path: FieldPath;
  readonly applyTo: string | undefined;
  readonly operation: string | undefined;
  /**
   * The Envoy filter the patch is about: its value's `name`, else (for a value without one) the filter its
   * listener match names; "" when neither is written.
   */
  readonly filterName: string;
  /** Whether `match.proxy.proxyVersion` restricts the patch to some proxy versions. */
  readonly proxyVersion: boolean;
}

export function configPatches(envoyFilter: Resource): ConfigPatch[] {
  return asArray(spec(envoyFilter).configPatches).flatMap((entry, index) => {
    const cp = asObject(entry);
    const patch = asObject(cp?.patch);
    if (!cp || !patch) return [];
    const match = asObject(cp.match);
    const value = asObject(patch.value);
    const matchedFilter = asString(asObject(asObject(asObject(match?.listener)?.filterChain)?.filter)?.name);
    const filterName = value && Object.keys(value).length ? (asString(value.name) ?? matchedFilter ?? "") : "";
    const version = asString(asObject(match?.proxy)?.proxyVersion);
    return [
      {
        index,
        path: ["spec", "configPatches", index],
        applyTo: asString(cp.applyTo),
        operation: asString(patch.operation),
        filterName,
        proxyVersion: Boolean(version),
      },
    ];
  });
}

/** Operations whose result depends on what other patches did first (all but ADD, INSERT_FIRST and MERGE). */
export const RELATIVE_OPERATIONS: ReadonlySet<string> = new Set(["INSERT_BEFORE", "INSERT_AFTER", "REPLACE", "REMOVE"]);

/** applyTo values on which Envoy route configuration ADD and REMOVE have no effect. */
export const ROUTE_LEVEL: ReadonlySet<string> = new Set(["ROUTE_CONFIGURATION", "HTTP_ROUTE"]);

/** applyTo values REPLACE works on. */
export const REPLACEABLE: ReadonlySet<string> = new Set(["HTTP_FILTER", "NETWORK_FILTER", "VIRTUAL_HOST"]);
