import type { Diagnostic } from "./diagnostic.js";
import { INTERNAL_ERROR_RULE } from "./runner.js";

/**
 * The findings a change introduced: those of the changed tree whose fingerprint occurs more often than before,
 * wherever they are (a deleted subset breaks the unchanged route that names it). When a fingerprint gained
 * occurrences, all of them are reported: a count cannot tell which one is new. Internal errors are always kept.
 */
export function introducedFindings(before: readonly Diagnostic[], after: readonly Diagnostic[]): { diagnostics: Diagnostic[]; unchanged: number } {
  const count = (ds: readonly Diagnostic[]) => {
    const out = new Map<string, number>();
    for (const d of ds) out.set(d.fingerprint, (out.get(d.fingerprint) ?? 0) + 1);
    return out;
  };
  const was = count(before);
  const now = count(after);
  const diagnostics = after.filter((d) => d.ruleId === INTERNAL_ERROR_RULE || (now.get(d.fingerprint) ?? 0) > (was.get(d.fingerprint) ?? 0));
  return { diagnostics, unchanged: after.length - diagnostics.length };
}
