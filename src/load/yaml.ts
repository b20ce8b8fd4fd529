import {
  type CST,
  Composer,
  type Document,
  type Node,
  Parser,
  type ParsedNode,
  type ScalarTag,
  type Tags,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
} from "yaml";
import type { FieldPath } from "../base/json.js";
import { type Range, type TreeAccess, locateInTree } from "./locate.js";
import { GO_FLOAT, GO_INT, goFloat, goInt } from "./go-yaml.js";
import { MAX_ALIAS_COUNT, MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH } from "./limits.js";

// Kubernetes reads YAML with go-yaml v2 (through sigs.k8s.io/yaml). Starting from `yaml`'s YAML 1.1 tags, the
// number tags are replaced by go-yaml's resolution (go-yaml.ts, shared with the fast path), and timestamps,
// base-60 numbers and the explicit-only collection types are dropped: go-yaml keeps those as strings.
const GO_YAML_V2_UNSUPPORTED = new Set([
  "tag:yaml.org,2002:int",
  "tag:yaml.org,2002:float",
  "tag:yaml.org,2002:timestamp",
  "tag:yaml.org,2002:binary",
  "tag:yaml.org,2002:omap",
  "tag:yaml.org,2002:pairs",
  "tag:yaml.org,2002:set",
]);

const GO_NUMBER_TAGS: ScalarTag[] = [
  {
    tag: "tag:yaml.org,2002:int",
    default: true,
    identify: (v) => typeof v === "number" && Number.isInteger(v),
    test: GO_INT,
    resolve: (s) => goInt(s) ?? s,
  },
  {
    tag: "tag:yaml.org,2002:float",
    default: true,
    identify: (v) => typeof v === "number",
    test: GO_FLOAT,
    resolve: (s) => goFloat(s) ?? s,
  },
];

const goYamlTags = (tags: Tags): Tags => [
  ...tags.filter((t) => typeof t === "string" || !GO_YAML_V2_UNSUPPORTED.has(t.tag)),
  ...GO_NUMBER_TAGS,
];

const PARSE_OPTIONS = {
  version: "1.1",
  customTags: goYamlTags,
  // Duplicate keys are found by documentProblems (linear; yaml's own check compares every pair of keys of a map).
  uniqueKeys: false,
  prettyErrors: false,
  strict: false,
  // A complex key is reported as a problem; yaml's warning about stringifying it must not reach stderr.
  logLevel: "error",
} as const;

/** The documents of a stream, with the problems found before composing them (nesting, document count). */
export interface YamlStream {
  readonly documents: Document.Parsed[];
  /** Problems of documents that were not composed (too deep), and of the stream (too many documents). */
  readonly limits: readonly YamlProblem[];
}

/**
 * Parses a stream the way parseAllDocuments does (yaml's Parser, then its Composer), checking each document's
 * syntax tree before it is composed: the composer recurses once per nesting level, and a few thousand levels
 * exhaust the stack (or worse, V8's regex compiler). A document nested deeper than MAX_NESTING_DEPTH is composed
 * empty, so that document numbers stay the same whoever parses the file; documents after the
 * MAX_DOCUMENTS_PER_FILE-th are not composed at all.
 */
export function parseYamlStream(text: string): YamlStream {
  const limits: YamlProblem[] = [];
  const composer = new Composer(PARSE_OPTIONS);
  const documents: Document.Parsed[] = [];
  let count = 0;
  const guarded = function* (tokens: Generator<CST.Token>): Generator<CST.Token> {
    for (const token of tokens) {
      if (token.type === "document") {
        if (++count > MAX_DOCUMENTS_PER_FILE) {
          limits.push({ kind: "limit", limit: "documents", start: token.offset, end: token.offset + 1 });
          return;
        }
        const deep = tooDeepAt(token);
        if (deep !== undefined) {
          limits.push({ kind: "limit", limit: "depth", start: deep, end: deep + 1 });
          yield { type: "document", offset: token.offset, start: token.start, ...(token.end ? { end: token.end } : {}) };
          continue;
        }
      }
      yield token;
    }
  };
  for (const doc of composer.compose(guarded(new Parser().parse(text)), true, text.length)) documents.push(doc as Document.Parsed);
  return { documents, limits };
}

/** The offset of the first collection of a document nested deeper than MAX_NESTING_DEPTH (an iterative walk). */
function tooDeepAt(document: CST.Document): number | undefined {
  const stack: [CST.Token | null | undefined, number][] = [[document.value, 0]];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (!token || (token.type !== "block-map" && token.type !== "block-seq" && token.type !== "flow-collection")) continue;
    if (depth + 1 > MAX_NESTING_DEPTH) return token.offset;
    for (const item of token.items) {
      stack.push(["key" in item ? item.key : undefined, depth + 1]);
      stack.push([item.value, depth + 1]);
    }
  }
  return undefined;
}

export type YamlProblem =
  | { readonly kind: "syntax"; readonly message: string; readonly start: number; readonly end: number }
  | { readonly kind: "duplicate-key"; readonly key: string; readonly start: number; readonly end: number }
  | { readonly kind: "alias-limit"; readonly start: number; readonly end: number }
  | { readonly kind: "alias-count"; readonly start: number; readonly end: number }
  | { readonly kind: "limit"; readonly limit: "depth" | "documents"; readonly start: number; readonly end: number };

export interface ParsedDocument {
  readonly index: number;
  /** undefined when the document is empty or could not be converted (see problems). */
  readonly value: unknown;
  readonly problems: readonly YamlProblem[];
  /**
   * For a document that could not be read: the object it names, when the parser still made out its apiVersion,
   * kind and metadata.name (a syntax error further down leaves them readable).
   */
  readonly identity?: { readonly apiVersion: string; readonly kind: string; readonly name: string; readonly namespace?: string };
}

/** A scalar string at a path of a (possibly broken) document's top mapping. */
function stringAt(doc: Document.Parsed, path: readonly string[]): string | undefined {
  const node = doc.getIn(path, true);
  return isScalar(node) && typeof node.value === "string" && node.value !== "" ? node.value : undefined;
}

/** The identity a broken document still shows (see ParsedDocument.identity). */
function identityOf(doc: Document.Parsed): ParsedDocument["identity"] {
  if (!isMap(doc.contents)) return undefined;
  const apiVersion = stringAt(doc, ["apiVersion"]);
  const kind = stringAt(doc, ["kind"]);
  const name = stringAt(doc, ["metadata", "name"]);
  if (!apiVersion || !kind || !name) return undefined;
  const namespace = stringAt(doc, ["metadata", "namespace"]);
  return { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
}

/** Converts one parsed document to plain data, collecting its problems instead of throwing. */
export function documentValue(doc: Document.Parsed, index: number): ParsedDocument {
  const problems: YamlProblem[] = [];
  let fatal = false;
  for (const error of [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])) {
    if (fatal) break;
    // Only the earliest syntax error of a document: the ones after it are usually its echoes.
    const [start, end] = error.pos;
    fatal = true;
    const stackExhausted = /call stack/i.test(error.message);
    problems.push(
      stackExhausted
        ? { kind: "limit", limit: "depth", start, end: Math.max(end, start + 1) }
        : { kind: "syntax", message: firstLine(error.message), start, end: Math.max(end, start + 1) },
    );
  }
  if (fatal || doc.contents === null) {
    const identity = fatal ? identityOf(doc) : undefined;
    return { index, value: undefined, problems, ...(identity ? { identity } : {}) };
  }
  const found = documentProblems(doc);
  problems.push(...found.problems);
  if (found.fatal) return { index, value: undefined, problems };
  try {
    return { index, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems };
  } catch (error) {
    const [start, end] = (doc.contents as ParsedNode | null)?.range ?? doc.range;
    if (error instanceof RangeError) {
      problems.push({ kind: "limit", limit: "depth", start, end: Math.min(end, start + 1) });
    } else if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      problems.push({ kind: "alias-limit", start, end: Math.min(end, start + 1) });
    } else {
      problems.push({ kind: "syntax", message: firstLine(String((error as Error).message)), start, end: start + 1 });
    }
    return { index, value: undefined, problems };
  }
}

/**
 * What yaml does not report itself, in one iterative walk in document order: duplicate keys (by the key's value,
 * with the key's whole range), aliases to no anchor, aliases inside the node they name (go-yaml refuses them: "anchor
 * value contains itself"; yaml would build a cycle), more aliases than MAX_ALIAS_COUNT, and keys that are mappings
 * or lists (Kubernetes cannot turn them into JSON). All but duplicate keys make the document unreadable.
 */
function documentProblems(doc: Document.Parsed): { problems: YamlProblem[]; fatal: boolean } {
  const problems: YamlProblem[] = [];
  const anchors = new Map<string, Node>();
  const open = new Set<Node>();
  let aliases = 0;
  let fatal = false;
  const fail = (problem: YamlProblem) => {
    problems.push(problem);
    fatal = true;
  };
  const stack: { node: unknown; exit?: boolean }[] = [{ node: doc.contents }];
  while (stack.length > 0 && !fatal) {
    const { node, exit } = stack.pop()!;
    if (exit) {
      open.delete(node as Node);
      continue;
    }
    if (isAlias(node)) {
      const [start, end] = node.range ?? [0, 1];
      const target = anchors.get(node.source);
      if (++aliases > MAX_ALIAS_COUNT) fail({ kind: "alias-count", start, end });
      else if (!target) fail({ kind: "syntax", message: `Alias "*${node.source}" refers to no anchor "&${node.source}" defined before it`, start, end });
      else if (open.has(target)) fail({ kind: "syntax", message: `Alias "*${node.source}" is inside the node it refers to, which Kubernetes' YAML reader refuses`, start, end });
      continue;
    }
    if (!isNode(node)) continue;
    if (node.anchor) anchors.set(node.anchor, node);
    if (!isMap(node) && !isSeq(node)) continue;
    open.add(node);
    stack.push({ node, exit: true });
    const seen = isMap(node) ? new Set<string>() : undefined;
    const children: unknown[] = [];
    for (const item of node.items) {
      if (!isPair(item)) {
        children.push(item);
        continue;
      }
      const key = item.key;
      if (isMap(key) || isSeq(key)) {
        const [start, end] = key.range ?? [0, 1];
        fail({ kind: "syntax", message: "A mapping key is itself a mapping or a list, which Kubernetes cannot turn into JSON", start, end: Math.max(end, start + 1) });
      } else if (seen && isScalar(key) && key.value !== "<<") {
        const name = `${typeof key.value}:${String(key.value)}`;
        if (seen.has(name)) {
          const [start, end] = key.range ?? [0, 1];
          problems.push({ kind: "duplicate-key", key: String(key.value), start, end: Math.max(end, start + 1) });
        }
        seen.add(name);
      }
      children.push(key, item.value);
    }
    // Reversed, so that the stack visits children in document order (anchors before the aliases after them).
    for (let i = children.length - 1; i >= 0; i--) stack.push({ node: children[i] });
  }
  return { problems, fatal };
}

const firstLine = (message: string): string =>
  (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();

/** A document holding nothing (only comments, or a null): both parsers skip it, so it gets no number. */
export const isEmptyDocument = (doc: Document.Parsed): boolean =>
  doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);

/** Source range (offsets) of the node at `path` in `doc`, or of its nearest existing parent's key. */
export function locateInDocument(doc: Document.Parsed, text: string, path: FieldPath, part: "key" | "value" | undefined): Range | undefined {
  const access: TreeAccess<Node> = {
    child: (node, segment) => childOf(doc, deref(doc, node), segment),
    isCollection: (node) => isMap(node) || isSeq(node),
    isLeaf: (node) => isScalar(node) || isAlias(node),
    range: (node) => (node as ParsedNode).range ?? undefined,
  };
  return locateInTree(access, doc.contents as Node | null, text, path, part);
}

function deref(doc: Document.Parsed, node: Node | null | undefined): Node | null | undefined {
  let current = node;
  for (let hops = 0; current && isAlias(current) && hops < 32; hops++) current = current.resolve(doc) as Node | undefined;
  return current;
}

function childOf(
  doc: Document.Parsed,
  node: Node | null | undefined,
  seg: string | number,
): { key: Node | null; value: Node | null } | undefined {
  if (!node) return undefined;
  if (isSeq(node)) {
    if (typeof seg !== "number") return undefined;
    const item = node.items[seg] as Node | undefined;
    return item === undefined ? undefined : { key: null, value: item };
  }
  if (!isMap(node)) return undefined;
  const want = String(seg);
  let merged: { key: Node | null; value: Node | null } | undefined;
  // Later keys win, as in the converted data.
  for (let i = node.items.length - 1; i >= 0; i--) {
    const pair = node.items[i];
    if (!isPair(pair)) continue;
    const key = pair.key as Node | null;
    const keyValue = isScalar(key) ? key.value : undefined;
    if (keyValue === "<<" || (isScalar(key) && key.tag === "tag:yaml.org,2002:merge")) {
      merged ??= fromMerge(doc, pair.value as Node | null, want);
      continue;
    }
    if (keyValue !== undefined && keyValue !== null && String(keyValue) === want) {
      return { key, value: pair.value as Node | null };
    }
  }
  return merged;
}

function fromMerge(doc: Document.Parsed, value: Node | null, want: string) {
  const sources = value && isSeq(value) ? (value.items as Node[]) : value ? [value] : [];
  for (const source of sources) {
    const found = childOf(doc, deref(doc, source), want);
    if (found) return found;
  }
  return undefined;
}
