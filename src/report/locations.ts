import { joinLines } from "../base/text.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import { formatPath } from "../engine/diagnostic.js";
import type { ResourceRef } from "../model/resource.js";

/** `VirtualService shop/web` (no namespace part for cluster-scoped kinds). */
export function resourceLabel(ref: ResourceRef): string {
  return `${ref.kind} ${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** `VirtualService/shop/web` — a logical location's fully qualified name. */
export function resourceKey(ref: ResourceRef): string {
  return `${ref.kind}/${ref.namespace ? `${ref.namespace}/` : ""}${ref.name}`;
}

/** Where a finding is, in words, for formats whose finding has no file: `VirtualService shop/web at spec.hosts[0]`. */
export function logicalWhere(d: Diagnostic): string | undefined {
  if (!d.resource) return undefined;
  const path = formatPath(d.path);
  return `${resourceLabel(d.resource)}${path ? ` at ${path}` : ""}`;
}

/** One line: newlines (from multi-line YAML values quoted in a message) become spaces. */
export const oneLine = (s: string): string => joinLines(s.replaceAll("\r\n", "\n"));
