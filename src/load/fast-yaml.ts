import jsyaml from "js-yaml";
import { setOwn } from "../base/json.js";
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

/** What the fast path read of a stream. */
export interface FastStream {
  /** The first MAX_DOCUMENTS_PER_FILE documents. */
  readonly documents: unknown[];
  /** Where the first document past MAX_DOCUMENTS_PER_FILE starts (it and the ones after it are not read). */
  readonly overflowAt?: number;
}

/**
 * The documents of a stream as plain data, or undefined when the fast path does not apply (a syntax error,
 * a duplicate key, an unknown tag, any alias, nesting deeper than js-yaml's 100 levels): then the caller parses the
 * file with `yaml`, which reports each of those at its position. A stream of too many documents keeps the fast path
 * (`yaml` took seconds on 20,000 of them): the documents past the limit are dropped and where they start is told.
 */
export function fastStream(text: string): FastStream | undefined {
  if (ALIAS.test(text)) return undefined;
  // A stream whose markers show more documents than the limit is read only up to the first one past it: a 200 MB
  // stream of small documents was read whole (1.3 GB) to keep 10,000 of them.
  const cut = streamCut(text);
  let documents: unknown[];
  try {
    documents = jsyaml.loadAll(cut ? text.slice(0, cut) : text, undefined, { schema: GO_YAML_V2_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  let overflowAt: number | undefined;
  if (cut !== undefined) {
    // The markers and js-yaml must agree on where the documents are; else yaml decides.
    if (documents.length !== MAX_DOCUMENTS_PER_FILE) return undefined;
    overflowAt = cut;
  } else if (documents.length > MAX_DOCUMENTS_PER_FILE) {
    overflowAt = documentStart(text, MAX_DOCUMENTS_PER_FILE, documents.length);
    if (overflowAt === undefined) return undefined;
    documents = documents.slice(0, MAX_DOCUMENTS_PER_FILE);
  }
  if (documents.some((doc) => inspectData(doc).shared)) return undefined;
  for (const doc of documents) compactDocument(doc);
  return overflowAt === undefined ? { documents } : { documents, overflowAt };
}

/**
 * Makes js-yaml's data hold less for the run (measured on the 100k bench repository's documents, heap after a
 * collection: 123 MB as js-yaml leaves them, 95 MB with exact-size lists).
 * - js-yaml returns each string of 13 characters or more as a slice of its own copy of the whole input (it appends a
 *   terminator to the text, which copies it), and V8 keeps a slice's whole parent alive: at 100k resources that held
 *   a second copy of every file (35 MB) for the run. Using a string as a property name makes V8 replace it with an
 *   interned copy of its own characters (a slice becomes a forward to it), which also shares the many equal values
 *   (API versions, image registries) between resources.
 * - A list grows by pushes, so a one-item list has room for sixteen: each list is replaced by an exact-size copy.
 */
function compactDocument(value: unknown): void {
  const names: Record<string, 0> = Object.create(null) as Record<string, 0>;
  const stack: unknown[] = [value];
  const visit = (child: unknown, replace: (copy: unknown[]) => void) => {
    if (typeof child === "string") {
      if (child.length >= 13) names[child] = 0;
    } else if (Array.isArray(child)) {
      const copy = child.slice();
      replace(copy);
      stack.push(copy);
    } else if (typeof child === "object" && child !== null) stack.push(child);
  };
  while (stack.length > 0) {
    const node = stack.pop();
    if (Array.isArray(node)) {
      for (let i = 0; i < node.length; i++) visit(node[i], (copy) => (node[i] = copy));
    } else if (typeof node === "object" && node !== null) {
      const object = node as Record<string, unknown>;
      for (const key of Object.keys(object)) visit(object[key], (copy) => setOwn(object, key, copy));
    }
  }
}

/** The documents of a stream (at most MAX_DOCUMENTS_PER_FILE), or undefined where fastStream is. */
export function fastDocuments(text: string): unknown[] | undefined {
  return fastStream(text)?.documents;
}

/** A `---` that starts a document: at the start of a line, followed by a blank or the line's end. */
const DOCUMENT_MARKER = /^---(?=[ \t\r\n]|$)/gm;

/** Where the first document past MAX_DOCUMENTS_PER_FILE starts, by the `---` markers; undefined when within it. */
function streamCut(text: string): number | undefined {
  let seen = 0;
  let implicitFirst: number | undefined;
  for (const m of text.matchAll(DOCUMENT_MARKER)) {
    implicitFirst ??= /^[ \t]*[^\s#]/m.test(text.slice(0, m.index)) ? 1 : 0;
    if (++seen + implicitFirst > MAX_DOCUMENTS_PER_FILE) return /^\.\.\.(?=[ \t\r\n]|$)/m.test(text) ? undefined : m.index;
  }
  return undefined;
}

/**
 * The offset of the `index`-th document (0-based) of a stream js-yaml read as `total` documents, from its `---`
 * marker; undefined when the markers do not account for every document (a `...` end marker, an odd stream): the
 * caller then lets `yaml` find it.
 */
function documentStart(text: string, index: number, total: number): number | undefined {
  if (/^\.\.\.(?=[ \t\r\n]|$)/m.test(text)) return undefined;
  const markers: number[] = [];
  for (const m of text.matchAll(DOCUMENT_MARKER)) markers.push(m.index);
  // A first document without a marker: anything but blank lines and comments before the first `---`.
  const implicitFirst = /^[ \t]*[^\s#]/m.test(text.slice(0, markers[0] ?? text.length)) ? 1 : 0;
  if (markers.length + implicitFirst !== total) return undefined;
  return markers[index - implicitFirst];
}
