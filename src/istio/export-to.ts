import { type Resource, annotationsOf, asArray, asString, spec } from "../model/resource.js";
import type { Settings } from "../model/settings.js";

/** Where an object is visible: every namespace, or a set of them (empty for `~`). */
export type ExportScope = { readonly all: true } | { readonly all: false; readonly namespaces: ReadonlySet<string> };

const EVERYWHERE: ExportScope = { all: true };

/** Istio's exportTo: `*` everywhere, `.` the owner's namespace, `~` nowhere, else namespace names. */
export function exportScope(entries: readonly string[], owner: string): ExportScope {
  if (entries.length === 0 || entries.includes("*")) return EVERYWHERE;
  const namespaces = new Set<string>();
  for (const e of entries) {
    if (e === ".") namespaces.add(owner);
    else if (e !== "~") namespaces.add(e);
  }
  return { all: false, namespaces };
}

export const isVisibleFrom = (scope: ExportScope, namespace: string): boolean =>
  scope.all || scope.namespaces.has(namespace);

export function scopesOverlap(a: ExportScope, b: ExportScope): boolean {
  if (a.all) return b.all || b.namespaces.size > 0;
  if (b.all) return a.namespaces.size > 0;
  for (const ns of a.namespaces) if (b.namespaces.has(ns)) return true;
  return false;
}

const strings = (v: unknown): string[] => asArray(v).filter((e): e is string => typeof e === "string");

const meshDefault = (settings: Settings, key: string): string[] => {
  const configured = strings(settings.meshConfig[key]);
  return configured.length ? configured : ["*"];
};

/** The scope of a Service (annotation `networking.istio.io/exportTo`) or ServiceEntry (`spec.exportTo`). */
export function serviceScope(r: Resource, settings: Settings): ExportScope {
  if (r.kind === "Service") {
    const annotation = asString(annotationsOf(r)["networking.istio.io/exportTo"]);
    const entries = annotation ? annotation.split(",").map((s) => s.trim()).filter(Boolean) : [];
    return exportScope(entries.length ? entries : meshDefault(settings, "defaultServiceExportTo"), r.namespace);
  }
  const entries = strings(spec(r).exportTo);
  return exportScope(entries.length ? entries : meshDefault(settings, "defaultServiceExportTo"), r.namespace);
}

export function virtualServiceScope(r: Resource, settings: Settings): ExportScope {
  const entries = strings(spec(r).exportTo);
  return exportScope(entries.length ? entries : meshDefault(settings, "defaultVirtualServiceExportTo"), r.namespace);
}

export function destinationRuleScope(r: Resource, settings: Settings): ExportScope {
  const entries = strings(spec(r).exportTo);
  return exportScope(entries.length ? entries : meshDefault(settings, "defaultDestinationRuleExportTo"), r.namespace);
}

/** The namespaces where both of two objects are visible. */
export function intersectScopes(a: ExportScope, b: ExportScope): ExportScope {
  if (a.all) return b;
  if (b.all) return a;
  return { all: false, namespaces: new Set([...a.namespaces].filter((ns) => b.namespaces.has(ns))) };
}
