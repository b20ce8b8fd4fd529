import jsyaml from "js-yaml";
import type { FieldPath } from "../base/json.js";
import { GO_YAML_V2_SCHEMA } from "./fast-yaml.js";
import { type Range, type TreeAccess, locateInTree } from "./locate.js";

// Positions for files that took the fast path, without `yaml`: js-yaml parses the file again with a `listener`
// that sees every node open and close, and the ranges `yaml` would give each node are rebuilt from its offsets.
// About five times cheaper than a `yaml` parse and no syntax tree of `yaml`'s is built at all. The rules below
// were checked against `yaml` on every path of every document of the fixtures and of real repositories
// (test/load/positions-parity.test.ts keeps them equal): a node starts at its first character after blanks,
// comments and its anchor or tag; a scalar ends before trailing blanks; a block scalar ends after the line break
// of its last line (a keep-chomping one, `|+`, after its trailing empty lines too); an empty value is where its
// value would start.

interface RangeNode {
  readonly start: number;
  readonly end: number;
  readonly kind: "mapping" | "sequence" | "scalar" | "empty";
  /** The value js-yaml built (to pair keys with values, and check the tree against the data). */
  readonly value: unknown;
  readonly pairs?: ReadonlyMap<string, { readonly key: RangeNode; readonly value: RangeNode }>;
  readonly items?: readonly RangeNode[];
}

interface Frame {
  readonly open: number;
  readonly children: RangeNode[];
}

/** The subset of js-yaml's parser state a listener sees. */
interface ListenerState {
  readonly position: number;
  readonly input: string;
  readonly kind: string | null;
  readonly result: unknown;
}

const isBlank = (c: number) => c === 32 || c === 9 || c === 10 || c === 13;
const KEEP_CHOMPING = /^[|>](?:[0-9]?\+|\+[0-9]?)/;

/** Undefined when the listener's events do not add up to the data (then positions come from `yaml`). */
function rangeTrees(text: string): RangeNode[] | undefined {
  // js-yaml drops a BOM (offsets would shift by one) and expands merge keys (their values are not in place).
  if (text.charCodeAt(0) === 0xfeff || text.includes("<<")) return undefined;
  const roots: RangeNode[] = [];
  const stack: Frame[] = [];
  let consistent = true;
  const add = (node: RangeNode) => {
    const parent = stack[stack.length - 1];
    if (parent) parent.children.push(node);
    else roots.push(node);
  };
  const listener = (event: "open" | "close", state: ListenerState) => {
    if (event === "open") {
      stack.push({ open: state.position, children: [] });
      return;
    }
    const frame = stack.pop()!;
    const { input, kind, result } = state;
    const only = frame.children.length === 1 ? frame.children[0] : undefined;
    if (only && only.value === result && only.kind === kind && (kind === "mapping" || kind === "sequence")) {
      // A node read through a wrapper frame (a flow collection as a block sequence item): one node.
      add(only);
      return;
    }
    if (kind === null) {
      let at = frame.open;
      while (input.charCodeAt(at) === 32 || input.charCodeAt(at) === 9) at++;
      add({ start: at, end: at, kind: "empty", value: null });
      return;
    }
    const start = contentStart(input, frame.open, state.position);
    const end = Math.min(kind === "scalar" ? scalarEnd(input, start, state.position) : state.position, text.length);
    if (kind === "mapping") {
      // A failed attempt at reading one more key (js-yaml tries after the last pair) leaves an empty node where a
      // key would be: dropped. An empty node where a value is due is a real empty value (`key:`).
      const children: RangeNode[] = [];
      for (const c of frame.children) if (!(c.kind === "empty" && children.length % 2 === 0)) children.push(c);
      const keys = Object.keys(result as object);
      if (children.length !== 2 * keys.length) consistent = false;
      const pairs = new Map<string, { key: RangeNode; value: RangeNode }>();
      for (let i = 0; i + 1 < children.length; i += 2) {
        const key = children[i]!;
        if (key.value !== null && key.value !== undefined) pairs.set(String(key.value), { key, value: children[i + 1]! });
      }
      add({ start, end, kind, value: result, pairs });
    } else if (kind === "sequence") {
      if (frame.children.length !== (result as unknown[]).length) consistent = false;
      add({ start, end, kind, value: result, items: frame.children });
    } else {
      add({ start, end, kind: "scalar", value: result });
    }
  };
  try {
    jsyaml.loadAll(text, undefined, { schema: GO_YAML_V2_SCHEMA, json: false, listener } as jsyaml.LoadOptions);
  } catch {
    return undefined;
  }
  return consistent ? roots.filter((r) => r.value !== null && r.value !== undefined) : undefined;
}

/** The first character of a node: after blanks, comments, and its anchor and tag. */
function contentStart(input: string, open: number, close: number): number {
  let at = open;
  for (;;) {
    while (isBlank(input.charCodeAt(at))) at++;
    const c = input.charCodeAt(at);
    if (c === 35 /* # */) {
      while (at < input.length && input.charCodeAt(at) !== 10) at++;
    } else if ((c === 38 /* & */ || c === 33) /* ! */ && at < close) {
      while (at < input.length && !isBlank(input.charCodeAt(at))) at++;
    } else {
      return at;
    }
  }
}

function scalarEnd(input: string, start: number, close: number): number {
  let end = close;
  const c = input.charCodeAt(start);
  const block = c === 124 /* | */ || c === 62; /* > */
  if (block && KEEP_CHOMPING.test(input.slice(start, start + 3))) {
    // The trailing empty lines belong to the scalar; the next line's indentation does not.
    while (end > start && (input.charCodeAt(end - 1) === 32 || input.charCodeAt(end - 1) === 9)) end--;
    return end;
  }
  while (end > start && isBlank(input.charCodeAt(end - 1))) end--;
  if (block) {
    // Up to and including the line break of its last line.
    while (input.charCodeAt(end) === 32 || input.charCodeAt(end) === 9) end++;
    if (input.charCodeAt(end) === 13) end++;
    if (input.charCodeAt(end) === 10) end++;
  }
  return end;
}

const ACCESS: TreeAccess<RangeNode> = {
  child(node, segment) {
    if (node.items) {
      const item = typeof segment === "number" ? node.items[segment] : undefined;
      return item && { key: null, value: item };
    }
    return node.pairs?.get(String(segment));
  },
  isCollection: (node) => node.kind === "mapping" || node.kind === "sequence",
  isLeaf: (node) => node.kind === "scalar" || node.kind === "empty",
  range: (node) => [node.start, node.end],
};

/**
 * The ranges of every non-empty document of a fast-path file, for `locate`; undefined when the file needs `yaml`
 * for its positions (see rangeTrees).
 */
export class FastRanges {
  private constructor(
    private readonly text: string,
    private readonly documents: readonly RangeNode[],
  ) {}

  static of(text: string): FastRanges | undefined {
    const documents = rangeTrees(text);
    return documents && new FastRanges(text, documents);
  }

  get documentCount(): number {
    return this.documents.length;
  }

  locate(document: number, path: FieldPath, part: "key" | "value" | undefined): Range | undefined {
    const root = this.documents[document];
    return root && locateInTree(ACCESS, root, this.text, path, part);
  }
}
