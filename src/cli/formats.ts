import type { LintResult } from "../api.js";
import { type Severity, severityRank } from "../engine/rule.js";
import { checkstyle } from "../report/checkstyle.js";
import { compact } from "../report/compact.js";
import { github } from "../report/github.js";
import { json } from "../report/json.js";
import { junit } from "../report/junit.js";
import type { Reporter } from "../report/reporter.js";
import { sarif } from "../report/sarif.js";
import { stylish } from "../report/stylish.js";
import { type CliIo, CliUsageError, EXIT } from "./io.js";

export const REPORTERS: Record<string, Reporter> = { stylish, json, compact, sarif, github, junit, checkstyle };

/**
 * Where each format goes. `--output-file [FORMAT=]FILE` (repeatable) writes FORMAT, or without a prefix the
 * `--format`, to FILE; standard output keeps `--format` unless a prefix-less file took it, then it gets stylish.
 */
export function parseOutputs(format: string, specs: readonly string[]): { terminal: string; files: { format: string; file: string }[] } {
  const known = (name: string) => {
    if (!REPORTERS[name]) throw new CliUsageError(`unknown format "${name}" (choose one of: ${Object.keys(REPORTERS).join(", ")})`);
    return name;
  };
  known(format);
  let terminal = format;
  const files = specs.map((spec) => {
    const m = /^([a-z][a-z-]*)=(.+)$/.exec(spec);
    if (m) return { format: known(m[1]!), file: m[2]! };
    if (spec === "") throw new CliUsageError("--output-file needs a file name");
    terminal = "stylish";
    return { format, file: spec };
  });
  return { terminal, files };
}

export function exitCode(result: LintResult, failOn: Severity | "none", maxWarnings: number | undefined): number {
  if (failOn !== "none" && result.diagnostics.some((d) => severityRank(d.severity) >= severityRank(failOn))) return EXIT.findings;
  if (maxWarnings !== undefined && result.summary.warnings > maxWarnings) return EXIT.findings;
  return EXIT.ok;
}

export function defaultColor(io: CliIo): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return io.stdoutIsTTY && io.env.TERM !== "dumb";
}
