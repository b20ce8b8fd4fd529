import { joinLines } from "../base/text.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import { formatPath } from "../engine/diagnostic.js";
import type { ResourceRef } from "../model/resource.js";
import { printable } from "./printable.js";

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
  return oneLine(`${resourceLabel(d.resource)}${path ? ` at ${path}` : ""}`);
}

/**
 * Text for a human-readable format, on one line: line breaks (from multi-line YAML values quoted in a message) and the
 * blanks around them become one space, and any other control character is written as an escape (printable()).
 */
export const oneLine = (s: string): string => printable(joinLines(s.replaceAll("\r\n", "\n")));
