import { statSync } from "node:fs";
import { readRegularTextSync } from "../base/read-file.js";
import { basename, dirname, join, resolve, sep } from "node:path";
import { parse, visit } from "yaml";
import { parseYamlStream } from "./yaml.js";
import { asArray, asObject, asString, isObject } from "../base/json.js";

// Kustomize and Helm inputs are not cluster objects: a patch shaped like half a Deployment, or a template full of
// `{{ .Values }}`, would only produce false errors. They are skipped with a hint to lint the rendered output.

export const KUSTOMIZATION_FILES = new Set(["kustomization.yaml", "kustomization.yml", "Kustomization"]);

/** Files a kustomization names as patches, transformers or generator inputs (never as resources). */
export function kustomizeInputsOf(kustomizationPath: string, text: string): string[] {
  let doc: unknown;
  try {
    doc = parse(text, { version: "1.1", uniqueKeys: false });
  } catch {
    return [];
  }
  const k = asObject(doc);
  if (!k) return [];
  const dir = dirname(kustomizationPath);
  const out: string[] = [];
  const addPath = (p: unknown) => {
    const s = asString(p);
    if (s && !s.includes("://") && !s.includes("\n")) out.push(resolve(dir, s));
  };
  for (const p of asArray(k.patchesStrategicMerge)) addPath(p);
  for (const key of ["patches", "patchesJson6902", "replacements"]) {
    for (const p of asArray(k[key])) addPath(asObject(p)?.path);
  }
  for (const key of ["transformers", "generators", "validators", "configurations", "crds"]) {
    for (const p of asArray(k[key])) addPath(p);
  }
  for (const gen of [...asArray(k.configMapGenerator), ...asArray(k.secretGenerator)]) {
    for (const f of asArray(asObject(gen)?.files)) addPath(asString(f)?.split("=").pop());
  }
  return out;
}

export const isKustomizeDocument = (value: unknown): boolean => {
  if (isObject(value)) return /^kustomize\.config\.k8s\.io\//.test(asString(value.apiVersion) ?? "");
  // A JSON 6902 patch list: a sequence of { op, path } operations.
  const ops = asArray(value);
  return ops.length > 0 && ops.every((op) => isObject(op) && typeof op.op === "string" && typeof op.path === "string");
};

const TEMPLATE_SCALARS = new Set(["QUOTE_DOUBLE", "QUOTE_SINGLE", "BLOCK_LITERAL", "BLOCK_FOLDED"]);

/**
 * A Go template that Helm would render: text with `{{` that is not YAML data. Template syntax inside quoted or
 * block scalars is data (Istio's injector templates in a rendered install, Prometheus alert texts); anywhere else,
 * or in a file that does not parse, it is a template to render first.
 */
export function looksLikeHelmTemplate(text: string): boolean {
  if (!text.includes("{{")) return false;
  const { documents, limits } = parseYamlStream(text);
  if (limits.length > 0 || documents.some((d) => d.errors.length > 0)) return true;
  const data: [number, number][] = [];
  for (const doc of documents) {
    visit(doc, {
      Scalar(_key, node) {
        if (node.range && TEMPLATE_SCALARS.has(String(node.type))) data.push([node.range[0], node.range[1]]);
      },
    });
  }
  // Both lists are in text order, so one pass over them pairs each `{{` with the scalar that may hold it.
  data.sort((a, b) => a[0] - b[0]);
  let scalar = 0;
  const comments = new CommentFinder(text);
  for (let at = text.indexOf("{{"); at >= 0; at = text.indexOf("{{", at + 2)) {
    while (scalar < data.length && data[scalar]![1] <= at) scalar++;
    const inside = scalar < data.length && data[scalar]![0] <= at;
    if (!inside && !comments.isInComment(at)) return true;
  }
  return false;
}

/** `# {{ ... }}` in a comment is neither data nor a template. Asked in text order; each line is scanned once. */
class CommentFinder {
  private lineEnd = -1;
  private commentAt = -1;

  constructor(private readonly text: string) {}

  isInComment(at: number): boolean {
    if (at > this.lineEnd) {
      const lineStart = this.text.lastIndexOf("\n", at) + 1;
      const newline = this.text.indexOf("\n", at);
      this.lineEnd = newline < 0 ? this.text.length : newline;
      const m = /(^|\s)#/.exec(this.text.slice(lineStart, this.lineEnd));
      this.commentAt = m ? lineStart + m.index + m[1]!.length : -1;
    }
    return this.commentAt >= 0 && this.commentAt < at;
  }
}

/** Finds Helm charts (folders holding Chart.yaml) above files, caching per folder. */
export class ChartLocator {
  private readonly chartOf = new Map<string, string | null>();

  constructor(private readonly top: string) {}

  /** The chart root holding `file`, unless the file is one of the chart's plain CRDs (under `crds/`). */
  chartHolding(file: string): string | undefined {
    const root = this.rootAbove(dirname(file));
    if (!root) return undefined;
    const inside = file.slice(root.length + 1).split(sep);
    return inside[0] === "crds" ? undefined : root;
  }

  private rootAbove(dir: string): string | undefined {
    const cached = this.chartOf.get(dir);
    if (cached !== undefined) return cached ?? undefined;
    let root: string | null = null;
    if (isFile(join(dir, "Chart.yaml"))) root = dir;
    else if (dir !== this.top && dirname(dir) !== dir && dir.startsWith(this.top)) root = this.rootAbove(dirname(dir)) ?? null;
    this.chartOf.set(dir, root);
    return root ?? undefined;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export const readText = (path: string): string | undefined => {
  try {
    return readRegularTextSync(path);
  } catch {
    return undefined;
  }
};

export const chartName = (root: string): string => basename(root);
