import type { LintResult, Summary } from "../api.js";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** "12 resources in 5 files: 2 errors, 1 warning, 0 infos; 3 skipped, 1 suppressed" */
export function summaryLine(s: Summary): string {
  const where = s.fromCluster === undefined ? `in ${plural(s.files, "file")}` : `from the cluster and ${plural(s.files, "file")}`;
  const parts = [`${plural(s.resources, "resource")} ${where}: ${plural(s.errors, "error")}, ${plural(s.warnings, "warning")}, ${plural(s.infos, "info")}`];
  const extra = [
    s.skipped ? `${s.skipped} skipped` : "",
    s.suppressed ? `${s.suppressed} suppressed` : "",
    s.change ? `${s.change.unchanged} unchanged since ${s.change.since}` : "",
  ].filter(Boolean);
  return parts.join("") + (extra.length ? `; ${extra.join(", ")}` : "");
}

/**
 * Why a run read no Kubernetes object at all, in one line: a CI job that lints only charts without helm, or only
 * non-manifests, must not pass as if everything had been checked (ESLint fails the same way when no file matches).
 */
export function nothingRead(result: LintResult): string {
  const files = result.files.length;
  if (files === 0) return "no manifest was read: the paths hold no .yaml, .yml or .json file, so nothing was checked";
  const unrendered = result.diagnostics.filter((d) => d.ruleId === "template-not-rendered" || d.ruleId === "template-render-failed").length;
  const skipped = result.files.filter((f) => f.status === "skipped").length;
  const documents = result.summary.skipped - skipped;
  const why = [
    unrendered ? `${plural(unrendered, "chart or kustomization")} not rendered` : "",
    skipped ? `${plural(skipped, "file")} skipped` : "",
    documents > 0 ? `${plural(documents, "document")} without apiVersion and kind` : "",
  ].filter(Boolean);
  return `no Kubernetes object was read from ${plural(files, "file")}${why.length ? ` (${why.join(", ")})` : ""}, so nothing was checked`;
}
