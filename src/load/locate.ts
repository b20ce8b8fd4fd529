import type { FieldPath } from "../base/json.js";

/** 0-based, end-exclusive offsets into a file. */
export interface Range {
  readonly start: number;
  readonly end: number;
}

/**
 * How to walk one parser's tree: the child of a collection (with its key node, for maps), whether a node is a
 * collection or a leaf (a scalar, an empty value, an alias), and its offsets.
 */
export interface TreeAccess<N> {
  child(node: N, segment: string | number): { readonly key: N | null; readonly value: N | null } | undefined;
  isCollection(node: N): boolean;
  isLeaf(node: N): boolean;
  range(node: N): readonly [number, number, ...number[]] | undefined;
}

/**
 * The source range of the node at `path` under `root`, the same way for every parser: a missing field falls back
 * to its nearest existing parent's key; a collection is reported at its key (or, without one, on its first line
 * only); `part` asks for the key or the value explicitly.
 */
export function locateInTree<N>(access: TreeAccess<N>, root: N | null | undefined, text: string, path: FieldPath, part: "key" | "value" | undefined): Range | undefined {
  let node: N | null | undefined = root;
  let keyNode: N | null = null;
  for (const segment of path) {
    const next = node === null || node === undefined ? undefined : access.child(node, segment);
    if (!next) break;
    node = next.value;
    keyNode = next.key;
    if (node === null) {
      // `key:` with no value node: point at the key.
      return keyNode ? rangeOf(access, keyNode) : undefined;
    }
  }
  const wantsKey = part === "key" || (part === undefined && node !== null && node !== undefined && !access.isLeaf(node));
  if (wantsKey && keyNode) return rangeOf(access, keyNode);
  if (node !== null && node !== undefined && access.isCollection(node)) return firstLineOf(access, text, node);
  if (node !== null && node !== undefined) return rangeOf(access, node);
  return keyNode ? rangeOf(access, keyNode) : undefined;
}

function rangeOf<N>(access: TreeAccess<N>, node: N): Range | undefined {
  const range = access.range(node);
  if (!range) return undefined;
  return { start: range[0], end: Math.max(range[1], range[0] + 1) };
}

/** A collection spans many lines; a diagnostic on it underlines only its first line. */
function firstLineOf<N>(access: TreeAccess<N>, text: string, node: N): Range | undefined {
  const range = rangeOf(access, node);
  if (!range) return undefined;
  const newline = text.indexOf("\n", range.start);
  const end = newline < 0 || newline >= range.end ? range.end : newline;
  return { start: range.start, end: Math.max(end, range.start + 1) };
}
