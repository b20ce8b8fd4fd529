import { statSync } from "node:fs";
import { readRegularTextSync } from "../base/read-file.js";
import { basename, dirname, join, resolve, sep } from "node:path";
import { CST, Lexer, parse } from "yaml";
import { fastStream } from "./fast-yaml.js";
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

/** Tokens yaml's lexer adds that are not in the text: document start, flow error end, scalar start. */
const SYNTHETIC_TOKENS = new Set([CST.DOCUMENT, CST.FLOW_END, CST.SCALAR]);

/**
 * A Go template that Helm would render: text with `{{` that is not YAML data. Template syntax inside quoted or
 * block scalars is data (Istio's injector templates in a rendered install, Prometheus alert texts), and in a comment
 * it is neither; anywhere else, or in a file that does not parse, it is a template to render first.
 */
export function looksLikeHelmTemplate(text: string): boolean {
  if (!text.includes("{{")) return false;
  if (templateOutsideData(text)) return true;
  // Every `{{` is data. js-yaml reading the file is enough to call it YAML; what js-yaml refuses (aliases, deep
  // nesting, errors) is asked of yaml, as the loader will.
  if (fastStream(text)) return false;
  const { documents, limits } = parseYamlStream(text);
  return limits.length > 0 || documents.some((d) => d.errors.length > 0);
}

/**
 * Whether a `{{` starts outside quoted scalars, block scalars and comments, by yaml's lexer alone: one pass, no
 * syntax tree (building one took seconds on a file of 40,000 quoted templates).
 */
function templateOutsideData(text: string): boolean {
  let next = text.indexOf("{{");
  let offset = 0;
  let scalarStarts = false;
  let blockHeader = false;
  for (const token of new Lexer().lex(text)) {
    if (SYNTHETIC_TOKENS.has(token)) {
      if (token === CST.SCALAR) scalarStarts = true;
      continue;
    }
    const type = CST.tokenType(token);
    // The token after a scalar start is the scalar's text: a block scalar's body when a header came before it.
    const blockBody = scalarStarts && blockHeader;
    if (scalarStarts) blockHeader = false;
    else if (type === "block-scalar-header") blockHeader = true;
    const data = blockBody || (!scalarStarts && (type === "double-quoted-scalar" || type === "single-quoted-scalar" || type === "comment"));
    scalarStarts = false;
    offset += token.length;
    for (; next >= 0 && next < offset; next = text.indexOf("{{", next + 2)) if (!data) return true;
    if (next < 0) return false;
  }
  return next >= 0;
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
