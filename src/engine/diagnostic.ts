import { createHash } from "node:crypto";
import type { FieldPath, ResourceRef, SourceSpan } from "../model/resource.js";
import type { Severity } from "./rule.js";

export interface RelatedLocation {
  readonly message: string;
  readonly resource?: ResourceRef;
  readonly file?: string;
  readonly span?: SourceSpan;
}

/** A finding as reporters see it: logical location always, physical location when the resource came from a file. */
export interface Diagnostic {
  readonly ruleId: string;
  readonly messageId: string;
  readonly severity: Severity;
  readonly message: string;
  readonly help?: string;
  /** The istioctl/Kiali codes this message corresponds to. */
  readonly codes: readonly string[];
  /** Absent for findings about an input file itself (a YAML syntax error, a skipped file). */
  readonly resource?: ResourceRef;
  readonly path: FieldPath;
  readonly file?: string;
  readonly span?: SourceSpan;
  readonly related: readonly RelatedLocation[];
  /** Stable across line moves: rule, file, resource identity, field path and message. */
  readonly fingerprint: string;
}

/** `spec.http[0].route[1].destination.subset` */
export { formatPath } from "../base/json.js";

/** A message as fingerprinted: positions it quotes (`at mesh/dr.yaml:12`) are dropped, so moving lines changes nothing. */
export const stableMessage = (message: string): string => message.replace(/(\.(?:ya?ml|json|tpl)|<stdin>):\d+(?::\d+)?/g, "$1");

export function fingerprint(parts: readonly (string | undefined)[]): string {
  return createHash("sha256").update(parts.map((p) => p ?? "").join("\u0000")).digest("hex").slice(0, 16);
}

/** Output order: by file, then position, then rule; findings without a file last, by resource. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) {
    if (a.file === undefined) return 1;
    if (b.file === undefined) return -1;
    return a.file < b.file ? -1 : 1;
  }
  const pa = a.span?.start ?? -1;
  const pb = b.span?.start ?? -1;
  if (pa !== pb) return pa - pb;
  const ra = a.resource ? `${a.resource.kind}/${a.resource.namespace}/${a.resource.name}` : "";
  const rb = b.resource ? `${b.resource.kind}/${b.resource.namespace}/${b.resource.name}` : "";
  if (ra !== rb) return ra < rb ? -1 : 1;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}
