import { type KindKey, kindId } from "./kinds.js";

/**
 * Where the index reports what a rule reads. `kind` feeds the rules' declared-reads test; `key` feeds the
 * incremental engine with finer keys, so that a change re-runs only the checks whose answer it can alter.
 */
export interface ReadLog {
  kind(kind: KindKey): void;
  key(key: string): void;
}

/**
 * Read keys. Each names a question a check asked of the index; a change to the index invalidates exactly the keys
 * whose answer it may change (see ResourceIndex.changedKeys).
 */
export const ReadKey = {
  /** Every object of a kind (`*` for every object). */
  kind: (k: KindKey) => `K ${kindId(k)}`,
  /** The objects of a kind in one namespace. */
  namespace: (k: KindKey, ns: string) => `N ${kindId(k)} ${ns}`,
  /** The definitions of one identity. */
  identity: (k: KindKey, ns: string, name: string) => `I ${kindId(k)}/${ns}/${name}`,
  /** Whether the repository (or cluster) holds any object of a kind. */
  exists: (k: KindKey) => `E ${kindId(k)}`,
  /** Whether a namespace exists; `*` for the set of namespaces. */
  namespaceExists: (ns: string) => `S ${ns}`,
  /** Identities defined more than once. */
  duplicates: () => "D",
  /** A memo table, as a whole. */
  memo: (name: string) => `M ${name}`,
  /** One key of a lookup table. */
  table: (name: string, key: string) => `T ${name} ${key}`,
  /** Services and ServiceEntries defining one exact host. */
  host: (host: string) => `H ${host}`,
  /** ServiceEntries with a wildcard host over one suffix (`""` for `*`). */
  wildcard: (suffix: string) => `W ${suffix}`,
  /** Workloads (pod templates) in one namespace; `*` for all. */
  workloads: (ns: string) => `WL ${ns}`,
} as const;
