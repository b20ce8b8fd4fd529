// The layering of CONTRIBUTING.md, enforced: every module of src/ and rules/ belongs to one layer, imports only from
// layers below its own (or from its own folder), and no import circle exists anywhere, type imports included.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/fixtures.js";

/**
 * Lowest first. A module may import from any layer listed before its own. Folders sharing a layer are siblings:
 * they may not import each other (Istio's semantics never depend on Linkerd's, a front end never on another).
 */
export const LAYERS: readonly (readonly string[])[] = [
  ["src/base"],
  ["src/load"],
  ["src/render", "src/cluster"],
  ["src/model"],
  ["src/gateway-api", "src/smi"],
  ["src/istio", "src/linkerd"],
  ["src/schema", "src/validation", "src/access"],
  ["src/engine"],
  ["src/project"],
  ["rules/<area>"],
  ["rules/index.ts"],
  ["src/api.ts"],
  ["src/report"],
  ["src/lsp", "src/action", "src/webhook"],
  ["src/cli"],
];

export interface Placement {
  readonly layer: number;
  /** The folder (or file) the module belongs to; imports inside one unit are free, except circles. */
  readonly unit: string;
}

export function placementOf(file: string): Placement | undefined {
  const rel = file.split("\\").join("/");
  const area = /^rules\/[^/]+\//.exec(rel);
  for (let layer = 0; layer < LAYERS.length; layer++) {
    for (const unit of LAYERS[layer] ?? []) {
      if (unit === "rules/<area>" && area) return { layer, unit: area[0].slice(0, -1) };
      if (rel === unit || rel.startsWith(`${unit}/`)) return { layer, unit };
    }
  }
  return undefined;
}

/** Relative imports of a module (static, `import type`, re-exports and `import()`), as project-relative paths. */
export function importsOf(file: string, text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, ".ts"));
}

function modules(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir))) {
      const path = `${dir}/${entry}`;
      if (statSync(join(ROOT, path)).isDirectory()) walk(path);
      else if (path.endsWith(".ts") && !path.endsWith(".d.ts")) out.push(path);
    }
  };
  walk("src");
  walk("rules");
  return out.sort();
}

export function layeringViolations(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    const a = placementOf(from);
    if (!a) {
      out.push(`${from}: in no layer`);
      continue;
    }
    for (const to of targets) {
      const b = placementOf(to);
      if (!b) out.push(`${from} -> ${to}: outside src/ and rules/`);
      else if (b.unit === a.unit) continue;
      else if (b.layer > a.layer) out.push(`${from} -> ${to}: upward`);
      else if (b.layer === a.layer) out.push(`${from} -> ${to}: between siblings`);
    }
  }
  return out.sort();
}

/** Strongly connected components of more than one module (Tarjan), each sorted. */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("architecture", () => {
  const graph = new Map(modules().map((m) => [m, importsOf(m, readFileSync(join(ROOT, m), "utf8"))]));

  it("places every module in a layer and imports only downward", () => {
    expect(layeringViolations(graph)).toEqual([]);
  });

  it("has no import circle", () => {
    expect(circles(graph)).toEqual([]);
  });

  it("keeps src/ and rules/ free of imports from test/ and tools/", () => {
    const stray = [...graph].flatMap(([from, to]) => to.filter((t) => /^(test|tools)\//.test(t)).map((t) => `${from} -> ${t}`));
    expect(stray).toEqual([]);
  });

  it("catches an upward import, an import between siblings and a circle", () => {
    const bad = new Map<string, string[]>([
      ["src/model/resource.ts", ["src/engine/rule.ts"]],
      ["src/istio/hosts.ts", ["src/linkerd/routes.ts"]],
      ["src/engine/rule.ts", ["src/engine/runner.ts"]],
      ["src/engine/runner.ts", ["src/engine/rule.ts"]],
    ]);
    expect(layeringViolations(bad)).toEqual([
      "src/istio/hosts.ts -> src/linkerd/routes.ts: between siblings",
      "src/model/resource.ts -> src/engine/rule.ts: upward",
    ]);
    expect(circles(bad)).toEqual([["src/engine/rule.ts", "src/engine/runner.ts"]]);
  });
});
