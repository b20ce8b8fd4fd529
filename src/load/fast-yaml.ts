import jsyaml from "js-yaml";
import { inspectData } from "./data-shape.js";
import { FALSE, NULL, TRUE, goFloat, goInt } from "./go-yaml.js";
import { MAX_DOCUMENTS_PER_FILE } from "./limits.js";

// The fast path of the loader. js-yaml builds plain data about ten times faster than `yaml` builds its syntax tree
// (measured by `npm run bench`), but keeps no positions, stops at the first error of a stream and shares aliased
// nodes instead of bounding them. So it is used only for what it does well: files without errors and without
// aliases, which are nearly all manifests. Everything else comes from `yaml` (see yaml.ts); positions of fast-path
// files come from js-yaml too (fast-ranges.ts).
// Both paths resolve plain scalars with go-yaml v2's rules (go-yaml.ts), so they produce the same data.

const scalar = (tag: string, resolve: (s: string) => boolean, construct: (s: string) => unknown) =>
  new jsyaml.Type(tag, { kind: "scalar", resolve: (s: string | null) => resolve(s ?? ""), construct: (s: string | null) => construct(s ?? "") });

export const GO_YAML_V2_SCHEMA = jsyaml.FAILSAFE_SCHEMA.extend({
  implicit: [
    scalar("tag:yaml.org,2002:null", (s) => NULL.test(s), () => null),
    scalar("tag:yaml.org,2002:bool", (s) => TRUE.test(s) || FALSE.test(s), (s) => TRUE.test(s)),
    scalar("tag:yaml.org,2002:int", (s) => goInt(s) !== undefined, (s) => goInt(s)),
    scalar("tag:yaml.org,2002:float", (s) => goFloat(s) !== undefined, (s) => goFloat(s)),
    // `<<` merge keys; js-yaml exports the type but its typings do not declare it.
    (jsyaml as unknown as { types: { merge: jsyaml.Type } }).types.merge,
  ],
});

/**
 * A token that makes an alias (`*name`), as opposed to a `*` inside a plain or quoted scalar. A quick pre-check only:
 * whether aliases were used is decided on the parsed data (inspectData), since JSON-style flow mappings
 * (`{"k":*a}`) and other spellings are easy to miss in text.
 */
const ALIAS = /(?:^|[\s,[{:])\*[^\s,[\]{}*]/m;

/**
 * The documents of a stream as plain data, or undefined when the fast path does not apply (a syntax error,
 * a duplicate key, an unknown tag, any alias, nesting deeper than js-yaml's 100 levels, too many documents): then the
 * caller parses the file with `yaml`, which reports each of those at its position.
 */
export function fastDocuments(text: string): unknown[] | undefined {
  if (ALIAS.test(text)) return undefined;
  const documents: unknown[] = [];
  try {
    jsyaml.loadAll(
      text,
      (doc) => {
        if (documents.length >= MAX_DOCUMENTS_PER_FILE) throw new RangeError("too many documents");
        documents.push(doc);
      },
      { schema: GO_YAML_V2_SCHEMA, json: false },
    );
  } catch {
    return undefined;
  }
  return documents.some((doc) => inspectData(doc).shared) ? undefined : documents;
}
