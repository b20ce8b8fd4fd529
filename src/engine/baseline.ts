import { readRegularTextSync } from "../base/read-file.js";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { toPosix } from "../load/ignore-rules.js";
import { type Config, ConfigError } from "./config.js";
import type { Diagnostic } from "./diagnostic.js";
import { INTERNAL_ERROR_RULE } from "./runner.js";

export const BASELINE_FILE = ".meshlint-baseline.json";
export const BASELINE_VERSION = 1;

/**
 * Known findings, counted by file and rule, so that they survive line moves (as ESLint's suppressions file does):
 * `{ "version": 1, "files": { "mesh/web.yaml": { "virtualservice-subset-not-found": 2 } } }`. File paths are
 * relative to the baseline file's folder, `/`-separated.
 */
export interface Baseline {
  readonly version: number;
  readonly files: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

/** A loaded baseline and the folder its paths are relative to. */
export interface LoadedBaseline {
  readonly file: string;
  readonly baseline: Baseline;
}

/** Where the baseline lives: beside the config file, or in the working folder when there is none. */
export const defaultBaselineFile = (config: Config): string => join(config.dir, BASELINE_FILE);

/** Reads a baseline; undefined when the file does not exist. A malformed file is a ConfigError. */
export function readBaseline(file: string): LoadedBaseline | undefined {
  let text: string;
  try {
    text = readRegularTextSync(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new ConfigError(`cannot read baseline ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file}: not JSON (${(error as Error).message}); regenerate it with "meshlint baseline"`);
  }
  if (!isBaseline(value)) {
    throw new ConfigError(`${file}: not a meshlint baseline (expected {"version": ${BASELINE_VERSION}, "files": {file: {rule: count}}}); regenerate it with "meshlint baseline"`);
  }
  return { file, baseline: value };
}

function isBaseline(value: unknown): value is Baseline {
  if (typeof value !== "object" || value === null) return false;
  const { version, files } = value as { version?: unknown; files?: unknown };
  if (version !== BASELINE_VERSION || typeof files !== "object" || files === null || Array.isArray(files)) return false;
  return Object.values(files).every(
    (rules) =>
      typeof rules === "object" && rules !== null && !Array.isArray(rules) && Object.values(rules).every((n) => Number.isInteger(n) && (n as number) >= 0),
  );
}

/** The key of a finding's file in a baseline at `baselineFile` (undefined for standard input). */
function keyOf(d: Diagnostic, cwd: string, baselineFile: string): string | undefined {
  if (d.file === undefined || d.file === "<stdin>") return undefined;
  const abs = isAbsolute(d.file) ? d.file : resolve(cwd, d.file);
  return toPosix(relative(dirname(baselineFile), abs));
}

/** Counts the findings by file and rule (internal errors are never baselined), keys sorted for stable diffs. */
export function buildBaseline(diagnostics: readonly Diagnostic[], cwd: string, baselineFile: string): Baseline {
  const counts = new Map<string, Map<string, number>>();
  for (const d of diagnostics) {
    const file = keyOf(d, cwd, baselineFile);
    if (file === undefined || d.ruleId === INTERNAL_ERROR_RULE) continue;
    const rules = counts.get(file) ?? new Map<string, number>();
    rules.set(d.ruleId, (rules.get(d.ruleId) ?? 0) + 1);
    counts.set(file, rules);
  }
  const files: Record<string, Record<string, number>> = {};
  for (const file of [...counts.keys()].sort()) {
    const rules = counts.get(file)!;
    files[file] = Object.fromEntries([...rules.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  return { version: BASELINE_VERSION, files };
}

function countIn(baseline: Baseline, file: string, ruleId: string): number {
  const rules = Object.hasOwn(baseline.files, file) ? baseline.files[file] : undefined;
  return rules && Object.hasOwn(rules, ruleId) ? (rules[ruleId] ?? 0) : 0;
}

export const formatBaseline = (baseline: Baseline): string => `${JSON.stringify(baseline, null, 2)}\n`;

/**
 * Drops the findings the baseline already knows. Findings are matched by file and rule: while a file has no more
 * findings of a rule than the baseline counted, they are all known; once it has more, all of them are reported,
 * since a count cannot tell which one is new.
 */
export function applyBaseline(
  diagnostics: readonly Diagnostic[],
  loaded: LoadedBaseline | undefined,
  cwd: string,
): { diagnostics: Diagnostic[]; suppressed: number } {
  if (!loaded) return { diagnostics: [...diagnostics], suppressed: 0 };
  const groups = new Map<string, number>();
  const keys = diagnostics.map((d) => {
    const file = keyOf(d, cwd, loaded.file);
    if (file === undefined || d.ruleId === INTERNAL_ERROR_RULE) return undefined;
    const key = `${file}\u0000${d.ruleId}`;
    groups.set(key, (groups.get(key) ?? 0) + 1);
    return { file, key };
  });
  const kept: Diagnostic[] = [];
  let suppressed = 0;
  diagnostics.forEach((d, i) => {
    const k = keys[i];
    const allowed = k ? countIn(loaded.baseline, k.file, d.ruleId) : 0;
    if (k && (groups.get(k.key) ?? 0) <= allowed) suppressed++;
    else kept.push(d);
  });
  return { diagnostics: kept, suppressed };
}
