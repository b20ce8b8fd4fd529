import { statSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { parse } from "yaml";
import type { RawResource } from "../load/load.js";
import { type JsonObject, asArray, asObject, asString, isObject, scalarText } from "../base/json.js";
import type { SourceSpan } from "../load/origin.js";
import { kustomizationFileIn } from "./kustomize/kustomization.js";

/** Who asked for a root to be rendered: an Argo CD Application or a Flux object of the repository. */
export interface DeclaredBy {
  readonly kind: string;
  readonly name: string;
  readonly file: string | undefined;
}

export interface KustomizeRequest {
  readonly tool: "kustomize";
  readonly dir: string;
  readonly by: DeclaredBy;
  readonly namespace?: string;
  readonly namePrefix?: string;
  readonly nameSuffix?: string;
  readonly patches?: readonly JsonObject[];
  readonly components?: readonly string[];
  /** The namespace of objects that name none (Argo CD's destination namespace). */
  readonly defaultNamespace?: string;
  readonly namespaceAt?: () => SourceSpan | undefined;
}

export interface HelmRequest {
  readonly tool: "helm";
  readonly dir: string;
  readonly by: DeclaredBy;
  readonly releaseName: string;
  readonly namespace?: string;
  readonly valuesFiles: readonly string[];
  readonly values: readonly JsonObject[];
  readonly set: readonly { readonly name: string; readonly value: string; readonly string: boolean }[];
}

export type RenderRequest = KustomizeRequest | HelmRequest;

const isDir = (path: string): boolean => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};
const isFile = (path: string): boolean => {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
};

/**
 * The folders that the repository's Argo CD Applications, Flux Kustomizations and Flux HelmReleases deploy, with
 * their options. Which repository an Application's repoURL or a Flux sourceRef names cannot be known offline: a path
 * counts when it exists in this repository (relative to `top`, the Git work tree's top folder).
 */
export function gitopsRequests(resources: readonly RawResource[], top: string): RenderRequest[] {
  const out: RenderRequest[] = [];
  const inRepo = (p: string | undefined, base = top): string | undefined => {
    if (!p || p.includes("://")) return undefined;
    const dir = resolve(base, p);
    return !relative(top, dir).startsWith("..") && isDir(dir) ? dir : undefined;
  };
  const configMaps = new Map<string, JsonObject>();
  for (const r of resources) {
    if (r.kind === "ConfigMap" && r.apiVersion === "v1") configMaps.set(`${namespaceOf(r.data) ?? ""}/${nameOf(r.data)}`, r.data);
  }
  for (const r of resources) {
    const group = r.apiVersion.split("/")[0];
    const spec = asObject(r.data.spec) ?? {};
    const name = nameOf(r.data);
    const by: DeclaredBy = { kind: r.kind, name, file: r.origin.file };
    const at = (...path: (string | number)[]) => () => r.origin.locate(path, "value");
    if (group === "argoproj.io" && r.kind === "Application") {
      const sources = [spec.source, ...asArray(spec.sources)].map(asObject).filter((s): s is JsonObject => s !== undefined);
      const destination = asString(asObject(spec.destination)?.namespace);
      const refs = new Map<string, string>();
      for (const s of sources) {
        const ref = asString(s.ref);
        if (ref) refs.set(ref, top);
      }
      sources.forEach((s, i) => {
        if (asString(s.chart)) return; // a chart from a Helm repository: not in this repository
        const dir = inRepo(asString(s.path));
        if (!dir) return;
        const sourcePath = spec.source ? ["spec", "source"] : ["spec", "sources", i - 1];
        if (kustomizationFileIn(dir)) {
          const k = asObject(s.kustomize) ?? {};
          out.push({
            tool: "kustomize",
            dir,
            by,
            ...opt("namespace", asString(k.namespace)),
            ...opt("namePrefix", asString(k.namePrefix)),
            ...opt("nameSuffix", asString(k.nameSuffix)),
            ...(asArray(k.patches).length ? { patches: asArray(k.patches).filter(isObject) } : {}),
            ...(asArray(k.components).length ? { components: asArray(k.components).map((c) => resolve(dir, String(c))) } : {}),
            ...opt("defaultNamespace", destination),
            ...(asString(k.namespace) ? { namespaceAt: at(...sourcePath, "kustomize", "namespace") } : {}),
          });
        } else if (isFile(join(dir, "Chart.yaml"))) {
          const h = asObject(s.helm) ?? {};
          const valuesFiles = asArray(h.valueFiles)
            .map((f) => asString(f))
            .filter((f): f is string => f !== undefined)
            .map((f) => {
              const m = /^\$([^/]+)\/(.*)$/.exec(f);
              return m ? (refs.has(m[1]!) ? resolve(top, m[2]!) : undefined) : resolve(dir, f);
            })
            .filter((f): f is string => f !== undefined && (isFile(f) || h.ignoreMissingValueFiles !== true));
          const values: JsonObject[] = [];
          const inline = asString(h.values);
          if (inline) {
            const parsed = safeParse(inline);
            if (parsed) values.push(parsed);
          }
          const object = asObject(h.valuesObject);
          if (object) values.push(object);
          out.push({
            tool: "helm",
            dir,
            by,
            releaseName: asString(h.releaseName) ?? name,
            ...opt("namespace", destination),
            valuesFiles,
            values,
            set: asArray(h.parameters)
              .map(asObject)
              .filter((p): p is JsonObject => p !== undefined && typeof p.name === "string")
              .map((p) => ({ name: String(p.name), value: scalarText(p.value) ?? "", string: p.forceString === true })),
          });
        }
      });
    } else if (group === "kustomize.toolkit.fluxcd.io" && r.kind === "Kustomization") {
      const dir = inRepo(asString(spec.path));
      if (!dir || !kustomizationFileIn(dir)) continue; // Flux builds a plain folder as it is: its files are plain manifests
      out.push({
        tool: "kustomize",
        dir,
        by,
        ...opt("namespace", asString(spec.targetNamespace)),
        ...opt("namePrefix", asString(spec.namePrefix)),
        ...opt("nameSuffix", asString(spec.nameSuffix)),
        ...(asArray(spec.patches).length ? { patches: asArray(spec.patches).filter(isObject) } : {}),
        ...(asArray(spec.components).length ? { components: asArray(spec.components).map((c) => resolve(dir, String(c))) } : {}),
        ...(asString(spec.targetNamespace) ? { namespaceAt: at("spec", "targetNamespace") } : {}),
      });
    } else if (group === "helm.toolkit.fluxcd.io" && r.kind === "HelmRelease") {
      const chartSpec = asObject(asObject(spec.chart)?.spec) ?? {};
      const sourceKind = asString(asObject(chartSpec.sourceRef)?.kind);
      if (sourceKind !== "GitRepository" && sourceKind !== "Bucket") continue;
      const dir = inRepo(asString(chartSpec.chart));
      if (!dir || !isFile(join(dir, "Chart.yaml"))) continue;
      const target = asString(spec.targetNamespace);
      const own = namespaceOf(r.data);
      const values: JsonObject[] = [];
      for (const from of asArray(spec.valuesFrom).map(asObject)) {
        if (!from || from.kind !== "ConfigMap") continue;
        const cm = configMaps.get(`${own ?? ""}/${asString(from.name) ?? ""}`);
        const text = asString(asObject(cm?.data)?.[asString(from.valuesKey) ?? "values.yaml"]);
        const parsed = text ? safeParse(text) : undefined;
        if (parsed) values.push(parsed);
      }
      const inline = asObject(spec.values);
      if (inline) values.push(inline);
      out.push({
        tool: "helm",
        dir,
        by,
        releaseName: asString(spec.releaseName) ?? (target ? `${target}-${name}` : name),
        ...opt("namespace", target ?? own),
        valuesFiles: asArray(chartSpec.valuesFiles)
          .map((f) => asString(f))
          .filter((f): f is string => f !== undefined)
          .map((f) => resolve(top, f)),
        values,
        set: [],
      });
    }
  }
  return out;
}

/** An Argo CD Application, Flux Kustomization or Flux HelmRelease. */
export const isGitopsObject = (r: RawResource): boolean =>
  (r.kind === "Application" && r.apiVersion.startsWith("argoproj.io/")) ||
  (r.kind === "Kustomization" && r.apiVersion.startsWith("kustomize.toolkit.fluxcd.io/")) ||
  (r.kind === "HelmRelease" && r.apiVersion.startsWith("helm.toolkit.fluxcd.io/"));

const nameOf = (data: JsonObject): string => asString(asObject(data.metadata)?.name) ?? "";
const namespaceOf = (data: JsonObject): string | undefined => asString(asObject(data.metadata)?.namespace);

function opt<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}

function safeParse(text: string): JsonObject | undefined {
  try {
    return asObject(parse(text));
  } catch {
    return undefined;
  }
}
