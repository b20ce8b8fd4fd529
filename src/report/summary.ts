import type { Summary } from "../api.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "12 resources in 5 files: 2 errors, 1 warning, 0 infos; 3 skipped, 1 suppressed" */
export function summaryLine(s: Summary): string {
  const parts = [`${plural(s.resources, "resource")} in ${plural(s.files, "file")}: ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.infos, "info")}`];
  const extra = [s.skipped ? `${s.skipped} skipped` : "", s.suppressed ? `${s.suppressed} suppressed` : ""].filter(Boolean);
  return parts.join("") + (extra.length ? `; ${extra.join(", ")}` : "");
}
