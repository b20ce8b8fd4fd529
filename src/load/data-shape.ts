import type { FieldPath } from "../base/json.js";
import { MAX_ALIAS_EXPANSION, MAX_NESTING_DEPTH } from "./limits.js";

/** Why a parsed document is not read, when it is not. */
export type ShapeProblem =
  | { readonly kind: "depth"; readonly path: FieldPath }
  | { readonly kind: "expansion"; readonly added: number }
  | { readonly kind: "cycle" };

export interface DataShape {
  /** Some object or list is reachable along two paths: the document used aliases. */
  readonly shared: boolean;
  readonly problem?: ShapeProblem;
}

type Container = Record<string, unknown> | unknown[];
const isContainer = (v: unknown): v is Container => typeof v === "object" && v !== null;

/**
 * Measures parsed data without recursion, before anything recursive touches it: its nesting depth (with the path of
 * the first value nested deeper than MAX_NESTING_DEPTH), whether aliases made parts of it shared, and then how much
 * those shared parts add once expanded (every copy, JSON.stringify or schema check expands them) and how deep they
 * nest. Linear in the number of distinct objects.
 */
export function inspectData(value: unknown): DataShape {
  if (!isContainer(value)) return { shared: false };
  const seen = new Set<Container>();
  let shared = false;
  const path: (string | number)[] = [];
  const stack: [Container, number, string | number | undefined][] = [[value, 1, undefined]];
  while (stack.length > 0) {
    const [node, depth, key] = stack.pop()!;
    // Depth-first: the entries above this one on the path are exactly its ancestors.
    path.length = Math.max(0, depth - 2);
    if (key !== undefined) path.push(key);
    if (seen.has(node)) {
      shared = true;
      continue;
    }
    seen.add(node);
    if (depth > MAX_NESTING_DEPTH) return { shared, problem: { kind: "depth", path: [...path] } };
    if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) if (isContainer(node[i])) stack.push([node[i] as Container, depth + 1, i]);
    } else {
      const keys = Object.keys(node);
      for (let i = keys.length - 1; i >= 0; i--) {
        const child = node[keys[i]!];
        if (isContainer(child)) stack.push([child, depth + 1, keys[i]!]);
      }
    }
  }
  if (!shared) return { shared };
  const problem = expandedProblem(value, seen.size);
  return problem ? { shared, problem } : { shared };
}

/** Size and depth of the data once every alias is expanded, memoised per object; undefined when within bounds. */
function expandedProblem(root: Container, distinct: number): ShapeProblem | undefined {
  const size = new Map<Container, number>();
  const depth = new Map<Container, number>();
  const onPath = new Set<Container>();
  const stack: [Container, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [node, done] = stack.pop()!;
    const children = (Array.isArray(node) ? node : Object.values(node)).filter(isContainer);
    if (done) {
      onPath.delete(node);
      let total = 1;
      let deepest = 0;
      for (const child of children) {
        total += size.get(child) ?? 0;
        deepest = Math.max(deepest, depth.get(child) ?? 0);
      }
      size.set(node, total);
      depth.set(node, deepest + 1);
      if (total - distinct > MAX_ALIAS_EXPANSION) return { kind: "expansion", added: total - distinct };
      if (deepest + 1 > MAX_NESTING_DEPTH) return { kind: "depth", path: [] };
      continue;
    }
    if (size.has(node)) continue;
    if (onPath.has(node)) return { kind: "cycle" };
    onPath.add(node);
    stack.push([node, true]);
    for (const child of children) if (!size.has(child)) stack.push([child, false]);
  }
  return undefined;
}
