import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import * as core from "@actions/core";
import { type LintOptions, type LintResult, lint, lintChange } from "../api.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import type { RuleCatalog } from "../engine/catalog.js";
import { type Severity, severityRank } from "../engine/rule.js";
import { VERSION } from "../base/package.js";
import { docUrlOf } from "../report/docs-url.js";
import { annotationOf } from "../report/github.js";
import { logicalWhere } from "../report/locations.js";
import { sarif } from "../report/sarif.js";
import { stylish } from "../report/stylish.js";
import { nothingRead, summaryLine } from "../report/summary.js";
import { ensureCommit } from "../load/git.js";
import { RunCache, cacheFileFor } from "../project/run-cache.js";

/** GitHub shows at most this many annotations of each kind (error, warning, notice) per step. */
export const ANNOTATIONS_PER_KIND = 10;
/** Rows of the job summary's table; the summary must stay under 1 MiB. */
const SUMMARY_ROWS = 500;
const FAIL_ON = ["error", "warning", "info", "none"] as const;

/**
 * The GitHub Action (action.yml): lints `paths` in the workspace (on a pull request, judging the change: only the
 * findings it introduces), prints the stylish report to the log, annotates the reported findings (the first ten of
 * each kind, which is all GitHub shows, plus a notice counting the rest), writes the full table to the job summary,
 * writes SARIF when `sarif-file` is set, sets the outputs, and fails the step as `fail-on` and `max-warnings` say.
 */
export async function runAction(): Promise<void> {
  try {
    const cwd = process.env.GITHUB_WORKSPACE || process.cwd();
    const paths = listInput("paths");
    // The runner gives the step no standard input: `-` would lint nothing and pass.
    if (paths.includes("-")) throw new Error("paths: - (standard input) cannot be read in the Action, which has none; name files, folders or globs");
    const failOn = core.getInput("fail-on") || "error";
    if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new Error(`fail-on must be one of ${FAIL_ON.join(", ")}, not "${failOn}"`);
    const maxWarningsInput = core.getInput("max-warnings");
    if (maxWarningsInput && !/^\d+$/.test(maxWarningsInput)) throw new Error(`max-warnings must be a whole number, not "${maxWarningsInput}"`);
    const maxWarnings = maxWarningsInput ? Number(maxWarningsInput) : undefined;
    const channel = core.getInput("gateway-api-channel");
    if (channel && channel !== "standard" && channel !== "experimental") throw new Error(`gateway-api-channel must be "standard" or "experimental", not "${channel}"`);
    const config = core.getInput("config");
    const meshConfig = core.getInput("mesh-config");
    const crds = listInput("crds");
    const namespace = core.getInput("namespace");
    const sarifFile = core.getInput("sarif-file");
    const annotate = booleanInput("annotate", true);
    const allowEmpty = booleanInput("allow-empty", false);
    const since = changedSince();
    const cache = booleanInput("cache", false) ? openCache(cwd, core.getInput("cache-location")) : undefined;

    const options: LintOptions = {
      cwd,
      ...(config ? { configFile: config } : {}),
      ...(meshConfig ? { meshConfigFile: meshConfig } : {}),
      ...(crds.length ? { crds } : {}),
      ...(channel ? { gatewayApiChannel: channel as "standard" | "experimental" } : {}),
      ...(namespace ? { namespace } : {}),
      ...(cache ? { cache } : {}),
    };
    const inputs = paths.length ? paths : ["."];
    if (since) {
      await ensureCommit(cwd, since).catch((error: Error) => {
        throw new Error(`changed-since ${since}: ${error.message} (check out with fetch-depth: 0, or fetch the base)`);
      });
      core.info(`Judging the change since ${since}: only the findings it introduces are reported.`);
    }
    const result = since ? await lintChange(inputs, { ...options, since }) : await lint(inputs, options);
    const unsaved = cache?.save();
    if (unsaved) core.warning(`meshlint: ${unsaved}`);
    const { catalog } = result;
    core.info(stylish(result, { catalog, version: VERSION, color: true, cwd }));
    if (result.unmatched.length) throw new Error(`no such file, folder or glob match: ${result.unmatched.join(", ")}`);

    if (annotate) emitAnnotations(result.diagnostics, catalog);
    await writeSummary(result);
    if (sarifFile) {
      const path = resolve(cwd, sarifFile);
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, sarif(result, { catalog, version: VERSION, color: false, cwd }));
      core.setOutput("sarif-file", path);
      core.info(`SARIF written to ${path}`);
    }
    core.setOutput("errors", result.summary.errors);
    core.setOutput("warnings", result.summary.warnings);
    core.setOutput("infos", result.summary.infos);

    if (result.diagnostics.some((d) => d.ruleId === "internal-error")) core.setFailed("meshlint failed on some resources (internal-error); please report it.");
    else if (failOn !== "none" && result.diagnostics.some((d) => severityRank(d.severity) >= severityRank(failOn as Severity))) {
      core.setFailed(`meshlint: ${summaryLine(result.summary)} (fail-on: ${failOn})`);
    } else if (maxWarnings !== undefined && result.summary.warnings > maxWarnings) {
      core.setFailed(`meshlint: ${summaryLine(result.summary)} (max-warnings: ${maxWarnings})`);
    } else if (result.summary.resources === 0 && !allowEmpty) {
      // A step that read nothing must not look like a clean bill of health (the CLI exits 2 the same way).
      core.setFailed(`meshlint: ${nothingRead(result)}; set allow-empty: true if that is expected.`);
    }
  } catch (error) {
    core.setFailed(`meshlint: ${(error as Error).message}`);
  }
}

/** The `cache` input's cache (at `cache-location`, default .meshlintcache in the workspace); a problem with it is a warning. */
function openCache(cwd: string, location: string): RunCache {
  const { cache, problem } = RunCache.open(cacheFileFor(location || undefined, cwd));
  if (problem) core.warning(`meshlint: ${problem}`);
  return cache;
}

/**
 * A list input's values: one per line when it has several lines (a path may then hold spaces), else separated by
 * spaces, where a value in double or single quotes may hold spaces too.
 */
export function listOf(text: string): string[] {
  if (text.includes("\n")) return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
  return [...text.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3]!).filter(Boolean);
}

const listInput = (name: string): string[] => listOf(core.getInput(name));

/**
 * The ref a change is judged against: the `changed-since` input; on a pull request without one, the base commit
 * of the pull request (actions/checkout checks out the merge commit, whose first parent that is). `none` lints
 * everything.
 */
function changedSince(): string | undefined {
  const given = core.getInput("changed-since");
  if (given === "none") return undefined;
  if (given) return given;
  const event = process.env.GITHUB_EVENT_NAME;
  if ((event !== "pull_request" && event !== "pull_request_target") || !process.env.GITHUB_EVENT_PATH) return undefined;
  try {
    const payload = JSON.parse(readFileSync(process.env.GITHUB_EVENT_PATH, "utf8")) as { pull_request?: { base?: { sha?: unknown } } };
    const sha = payload.pull_request?.base?.sha;
    return typeof sha === "string" && sha ? sha : undefined;
  } catch {
    return undefined;
  }
}

function booleanInput(name: string, fallback: boolean): boolean {
  const value = core.getInput(name).toLowerCase();
  if (value === "") return fallback;
  if (["true", "yes", "on", "1"].includes(value)) return true;
  if (["false", "no", "off", "0"].includes(value)) return false;
  throw new Error(`${name} must be true or false, not "${value}"`);
}

function emitAnnotations(diagnostics: readonly Diagnostic[], catalog: RuleCatalog): void {
  const annotations = diagnostics.map((d) => annotationOf(d, catalog));
  const count = (kind: string) => annotations.filter((a) => a.command === kind).length;
  const omitted = (noticeCap: number) =>
    Math.max(0, count("error") - ANNOTATIONS_PER_KIND) + Math.max(0, count("warning") - ANNOTATIONS_PER_KIND) + Math.max(0, count("notice") - noticeCap);
  // One notice slot goes to the note about what was left out, when anything is.
  const noticeCap = omitted(ANNOTATIONS_PER_KIND) > 0 ? ANNOTATIONS_PER_KIND - 1 : ANNOTATIONS_PER_KIND;
  const caps: Record<string, number> = { error: ANNOTATIONS_PER_KIND, warning: ANNOTATIONS_PER_KIND, notice: noticeCap };
  const shown: Record<string, number> = { error: 0, warning: 0, notice: 0 };
  for (const a of annotations) {
    if ((shown[a.command] ?? 0) >= (caps[a.command] ?? 0)) continue;
    shown[a.command] = (shown[a.command] ?? 0) + 1;
    const p = Object.fromEntries(a.properties);
    const properties: core.AnnotationProperties = {
      title: String(p.title),
      ...(p.file !== undefined ? { file: String(p.file) } : {}),
      ...(p.line !== undefined ? { startLine: Number(p.line), endLine: Number(p.endLine) } : {}),
      ...(p.col !== undefined ? { startColumn: Number(p.col), endColumn: Number(p.endColumn) } : {}),
    };
    core[a.command](a.message, properties);
  }
  const left = omitted(noticeCap);
  if (left > 0) {
    core.notice(`${left} more finding${left === 1 ? " is" : "s are"} not annotated (GitHub shows ${ANNOTATIONS_PER_KIND} of each kind per step); the job summary lists them all.`, {
      title: "meshlint",
    });
  }
}

const ICON: Record<Severity, string> = { error: "❌ error", warning: "⚠️ warning", info: "ℹ️ info" };

async function writeSummary(result: LintResult): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const { catalog } = result;
  const { summary } = result;
  core.summary.addHeading("meshlint", 2).addRaw(`<p>${html(summaryLine(summary))}</p>`, true);
  if (result.diagnostics.length === 0) {
    core.summary.addRaw("<p>✅ No findings.</p>", true);
  } else {
    const rows = result.diagnostics.slice(0, SUMMARY_ROWS).map((d) => {
      const url = docUrlOf(catalog, d.ruleId);
      const rule = url ? `<a href="${html(url)}">${html(d.ruleId)}</a>` : html(d.ruleId);
      const codes = d.codes.length ? `<br>${html(d.codes.join(", "))}` : "";
      const message = `${html(d.message)}${d.help ? `<br><em>${html(d.help)}</em>` : ""}`;
      return [ICON[d.severity], locationCell(d), rule + codes, message];
    });
    core.summary.addTable([
      [
        { data: "Severity", header: true },
        { data: "Location", header: true },
        { data: "Rule", header: true },
        { data: "Message", header: true },
      ],
      ...rows,
    ]);
    const rest = result.diagnostics.length - SUMMARY_ROWS;
    if (rest > 0) core.summary.addRaw(`<p>… and ${rest} more; write them all with <code>sarif-file</code>, or run meshlint locally.</p>`, true);
  }
  await core.summary.write();
}

function locationCell(d: Diagnostic): string {
  if (d.file === undefined) return html(logicalWhere(d) ?? "");
  const text = `${d.file}${d.span ? `:${d.span.line}:${d.span.column}` : ""}`;
  const { GITHUB_SERVER_URL: server, GITHUB_REPOSITORY: repo, GITHUB_SHA: sha } = process.env;
  if (!server || !repo || !sha || d.file === "<stdin>") return `<code>${html(text)}</code>`;
  const href = `${server}/${repo}/blob/${sha}/${d.file.split("/").map(encodeURIComponent).join("/")}${d.span ? `#L${d.span.line}` : ""}`;
  return `<a href="${html(href)}"><code>${html(text)}</code></a>`;
}

const html = (s: string): string => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
