import type { JsonObject } from "../base/json.js";

/**
 * The object of a document that could not be read knows its identity (apiVersion, kind, metadata.name and
 * namespace) and nothing else. Its data is a proxy that counts every read past the identity: a check that read
 * it judged content that is not known (an empty spec, no labels), so whatever it concluded is an echo of the syntax
 * error, and the engine drops it (see `unknownContentReads`).
 */
let unknownReads = 0;

/** How many reads of unreadable documents' unknown content happened so far (compare before and after a check). */
export const unknownContentReads = (): number => unknownReads;

const IDENTITY = new Set<PropertyKey>(["apiVersion", "kind", "metadata"]);
const METADATA_IDENTITY = new Set<PropertyKey>(["name", "namespace"]);

/** The data of an unreadable document's object: its identity, counting reads of anything else. */
export function unreadableData(identity: { apiVersion: string; kind: string; name: string; namespace?: string }): JsonObject {
  const { apiVersion, kind, name, namespace } = identity;
  const metadata = counting(Object.freeze({ name, ...(namespace ? { namespace } : {}) }), METADATA_IDENTITY);
  return counting(Object.freeze({ apiVersion, kind, metadata }), IDENTITY);
}

function counting(target: JsonObject, known: ReadonlySet<PropertyKey>): JsonObject {
  return new Proxy(target, {
    get(t, key) {
      if (!known.has(key) && typeof key === "string") unknownReads++;
      return Reflect.get(t, key) as unknown;
    },
    has(t, key) {
      if (!known.has(key)) unknownReads++;
      return Reflect.has(t, key);
    },
    ownKeys(t) {
      unknownReads++;
      return Reflect.ownKeys(t);
    },
  });
}
