import { formatPath } from "../base/json.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import { type Severity, severityRank } from "../engine/rule.js";
import type { AdmissionResponse } from "./admission.js";
import type { Evaluation } from "./live.js";

export type DenyOn = Severity | "none";

/** Limits the API server documents for warnings (longer ones may be cut or dropped; v1.20 drops past ~4 KB). */
export const WARNING_MAX = 120;
export const WARNINGS_TOTAL_MAX = 4096;

/**
 * The answer to a request: findings at or above `denyOn` reject it, in one message naming each (the object's own
 * findings by field path, findings on other objects by kind, namespace and name first); the rest are warnings.
 */
export function decide(uid: string, evaluation: Evaluation, denyOn: DenyOn): AdmissionResponse & { readonly decision: "allow" | "deny" | "warn" } {
  const all = [...evaluation.own.map((d) => ({ d, own: true })), ...evaluation.caused.map((d) => ({ d, own: false }))];
  const denies = denyOn === "none" ? [] : all.filter(({ d }) => severityRank(d.severity) >= severityRank(denyOn));
  const rest = all.filter((x) => !denies.includes(x));
  const warnings = limitWarnings(rest.map(({ d, own }) => `${d.severity}: ${describe(d, own)} (${d.ruleId})`));
  if (denies.length) {
    const message = denies.map(({ d, own }) => describe(d, own)).join("\n");
    return { uid, allowed: false, status: { code: 403, reason: "Forbidden", message }, ...(warnings.length ? { warnings } : {}), decision: "deny" };
  }
  return { uid, allowed: true, ...(warnings.length ? { warnings } : {}), decision: warnings.length ? "warn" : "allow" };
}

/** `spec.http[0].route[0].destination.subset: <message>`, or `VirtualService shop/reviews spec...: <message>` for another object. */
function describe(d: Diagnostic, own: boolean): string {
  const where = formatPath(d.path);
  const who = own || !d.resource ? "" : `${d.resource.kind} ${d.resource.namespace ? `${d.resource.namespace}/` : ""}${d.resource.name} `;
  return `${who}${where ? `${where}: ` : ""}${d.message}`;
}

/** Each warning at most 120 characters, all at most 4096, the last saying how many were left out. */
export function limitWarnings(lines: readonly string[]): string[] {
  const out: string[] = [];
  let total = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = cut(lines[i]!, WARNING_MAX);
    const left = lines.length - i - 1;
    const reserve = left ? `${left + 1} more findings`.length + 8 : 0;
    if (total + line.length + reserve > WARNINGS_TOTAL_MAX) {
      out.push(`${lines.length - i} more findings`);
      break;
    }
    out.push(line);
    total += line.length;
  }
  return out;
}

const cut = (s: string, max: number): string => (s.length <= max ? s : `${s.slice(0, max - 1)}…`);
