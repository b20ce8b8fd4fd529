import {
  type Document,
  type Node,
  type ParsedNode,
  type ScalarTag,
  type Tags,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  parseAllDocuments,
} from "yaml";
import type { FieldPath } from "../base/json.js";
import { GO_FLOAT, GO_INT, goFloat, goInt } from "./go-yaml.js";

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

/** Beyond this many alias expansions in one document the input is treated as an alias bomb. */
export const MAX_ALIAS_COUNT = 1000;

export function parseYamlStream(text: string): Document.Parsed[] {
  return parseAllDocuments(text, {
    version: "1.1",
    customTags: goYamlTags,
    uniqueKeys: true,
    prettyErrors: false,
    strict: false,
  }) as Document.Parsed[];
}

export type YamlProblem =
  | { readonly kind: "syntax"; readonly message: string; readonly start: number; readonly end: number }
  | { readonly kind: "duplicate-key"; readonly key: string; readonly start: number; readonly end: number }
  | { readonly kind: "alias-limit"; readonly start: number; readonly end: number };

export interface ParsedDocument {
  readonly index: number;
  /** undefined when the document is empty or could not be converted (see problems). */
  readonly value: unknown;
  readonly problems: readonly YamlProblem[];
}

/** Converts one parsed document to plain data, collecting its problems instead of throwing. */
export function documentValue(doc: Document.Parsed, index: number, text: string): ParsedDocument {
  const problems: YamlProblem[] = [];
  let fatal = false;
  for (const error of [...doc.errors].sort((a, b) => a.pos[0] - b.pos[0])) {
    const [start, end] = error.pos;
    if (error.code === "DUPLICATE_KEY") {
      problems.push({ kind: "duplicate-key", key: text.slice(start, end), start, end });
    } else if (!fatal) {
      // Only the earliest syntax error of a document: the ones after it are usually its echoes.
      fatal = true;
      problems.push({ kind: "syntax", message: firstLine(error.message), start, end: Math.max(end, start + 1) });
    }
  }
  if (fatal || doc.contents === null) return { index, value: undefined, problems };
  try {
    return { index, value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), problems };
  } catch (error) {
    const [start, end] = (doc.contents as ParsedNode | null)?.range ?? doc.range;
    if (error instanceof ReferenceError && /alias/i.test(error.message)) {
      problems.push({ kind: "alias-limit", start, end: Math.min(end, start + 1) });
    } else {
      problems.push({ kind: "syntax", message: firstLine(String((error as Error).message)), start, end: start + 1 });
    }
    return { index, value: undefined, problems };
  }
}

const firstLine = (message: string): string =>
  (message.split("\n")[0] ?? message).replace(/ at line \d+, column \d+:?$/, "").trim();

/** A document holding nothing (only comments, or a null): both parsers skip it, so it gets no number. */
export const isEmptyDocument = (doc: Document.Parsed): boolean =>
  doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null);

/** Source range (offsets) of the node at `path` in `doc`, or of its nearest existing parent's key. */
export function locateInDocument(
  doc: Document.Parsed,
  text: string,
  path: FieldPath,
  part: "key" | "value" | undefined,
): { start: number; end: number } | undefined {
  let node: Node | null | undefined = doc.contents;
  let keyNode: Node | null = null;
  for (const seg of path) {
    node = deref(doc, node);
    const next = childOf(doc, node, seg);
    if (!next) break;
    node = next.value;
    keyNode = next.key;
    if (node === null || node === undefined) {
      // `key:` with no value: point at the key.
      return keyNode ? rangeOf(keyNode) : undefined;
    }
  }
  const wantsKey = part === "key" || (part === undefined && node !== undefined && node !== null && !isScalar(node) && !isAlias(node));
  if (wantsKey && keyNode) return rangeOf(keyNode);
  if (node && (isMap(node) || isSeq(node))) return firstLineOf(text, node);
  if (node) return rangeOf(node);
  return keyNode ? rangeOf(keyNode) : undefined;
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

function rangeOf(node: Node): { start: number; end: number } | undefined {
  const range = (node as ParsedNode).range;
  if (!range) return undefined;
  return { start: range[0], end: Math.max(range[1], range[0] + 1) };
}

/** A collection spans many lines; a diagnostic on it underlines only its first line. */
function firstLineOf(text: string, node: Node): { start: number; end: number } | undefined {
  const range = rangeOf(node);
  if (!range) return undefined;
  const newline = text.indexOf("\n", range.start);
  const end = newline < 0 || newline >= range.end ? range.end : newline;
  return { start: range.start, end: Math.max(end, range.start + 1) };
}
