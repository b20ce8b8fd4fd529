import type { Summary } from "../api.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "12 resources in 5 files: 2 errors, 1 warning, 0 infos; 3 skipped, 1 suppressed" */
export function summaryLine(s: Summary): string {
  const where = s.fromCluster === undefined ? `in ${plural(s.files, "file")}` : `from the cluster and ${plural(s.files, "file")}`;
  const parts = [`${plural(s.resources, "resource")} ${where}: ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.infos, "info")}`];
  const extra = [s.skipped ? `${s.skipped} skipped` : "", s.suppressed ? `${s.suppressed} suppressed` : ""].filter(Boolean);
  return parts.join("") + (extra.length ? `; ${extra.join(", ")}` : "");
}
