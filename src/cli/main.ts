import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type LintOptions, type LintResult, UsageError, lint } from "../api.js";
import { ConfigError, findConfigFile, loadConfig } from "../engine/config.js";
import { builtinRules } from "../engine/registry.js";
import { type Severity, severityRank } from "../engine/rule.js";
import { isInside } from "../load/ignore-rules.js";
import { VERSION } from "../package.js";
import { checkstyle } from "../report/checkstyle.js";
import { compact } from "../report/compact.js";
import { github } from "../report/github.js";
import { json } from "../report/json.js";
import { junit } from "../report/junit.js";
import type { Reporter } from "../report/reporter.js";
import { sarif } from "../report/sarif.js";
import { stylish } from "../report/stylish.js";
import { COMMANDS } from "./commands.js";
import { explain } from "./explain.js";
import { changedFiles, repositoryFiles } from "./git.js";
import { HELP } from "./help.js";
import { listRules } from "./list-rules.js";

/** What the CLI touches of the outside world, so tests can run it in-process. */
export interface CliIo {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdoutIsTTY: boolean;
  write(text: string): void;
  error(text: string): void;
  readStdin(): Promise<string>;
}

export const EXIT = { ok: 0, findings: 1, usage: 2 } as const;

export const REPORTERS: Record<string, Reporter> = { stylish, json, compact, sarif, github, junit, checkstyle };
const FAIL_ON = ["error", "warning", "info", "none"] as const;

const OPTIONS = {
  format: { type: "string", short: "f", default: "stylish" },
  "fail-on": { type: "string", default: "error" },
  "max-warnings": { type: "string" },
  "mesh-config": { type: "string" },
  "mesh-networks": { type: "string" },
  namespace: { type: "string", short: "n" },
  config: { type: "string", short: "c" },
  "max-file-size": { type: "string" },
  "gateway-api-channel": { type: "string" },
  crds: { type: "string", multiple: true },
  "output-file": { type: "string", short: "o", multiple: true },
  "changed-since": { type: "string" },
  "repo-context": { type: "boolean", default: false },
  "no-baseline": { type: "boolean", default: false },
  "list-rules": { type: "boolean", default: false },
  quiet: { type: "boolean", short: "q", default: false },
  color: { type: "boolean" },
  "no-color": { type: "boolean" },
  version: { type: "boolean", short: "v", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export class CliUsageError extends Error {}

/** Runs the CLI; returns the exit code (0 clean, 1 findings at or above --fail-on, 2 usage or internal error). */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await runUnsafe(argv, io);
  } catch (error) {
    if (error instanceof CliUsageError || error instanceof UsageError) {
      io.error(`meshlint: ${error.message}\nRun "meshlint --help" for usage.\n`);
      return EXIT.usage;
    }
    const detail = io.env.MESHLINT_DEBUG ? String((error as Error).stack ?? error) : String((error as Error).message ?? error);
    io.error(`meshlint: internal error: ${detail}\nPlease report this at https://github.com/meshlint/meshlint/issues.\n`);
    return EXIT.usage;
  }
}

type Values = ReturnType<typeof parseOptions>["values"];

function parseOptions(argv: readonly string[]) {
  try {
    return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw new CliUsageError((error as Error).message.replace(/^.*?: /, "").split("\n")[0] ?? "bad arguments");
  }
}

async function runUnsafe(argv: readonly string[], io: CliIo): Promise<number> {
  const command = argv[0] !== undefined ? COMMANDS[argv[0]] : undefined;
  if (command) return (await command()).run(argv.slice(1), io);
  const { values, positionals } = parseOptions(argv);
  if (values.help) {
    io.write(HELP);
    return EXIT.ok;
  }
  if (values.version) {
    io.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const format = values.format;
  const catalog = builtinRules();
  if (values["list-rules"]) {
    if (format !== "json" && format !== "stylish" && format !== "markdown") throw new CliUsageError(`--list-rules supports --format stylish, json or markdown, not "${format}"`);
    io.write(listRules(catalog, format));
    return EXIT.ok;
  }
  if (positionals[0] === "explain") {
    const topic = positionals[1];
    if (!topic || positionals.length > 2) throw new CliUsageError("usage: meshlint explain <rule-id | IST#### | KIA####>");
    const text = explain(catalog, topic);
    if (text === undefined) throw new CliUsageError(`no rule or code "${topic}"; "meshlint --list-rules" lists them`);
    io.write(text);
    return EXIT.ok;
  }

  const outputs = parseOutputs(format, values["output-file"] ?? []);
  const failOn = values["fail-on"];
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new CliUsageError(`--fail-on must be one of ${FAIL_ON.join(", ")}`);
  const maxWarnings = values["max-warnings"] === undefined ? undefined : parseCount(values["max-warnings"], "--max-warnings");

  const { inputs, options } = await lintInvocation(values, positionals, io);
  const result = await lint(inputs, options);
  const shown = values.quiet ? { ...result, diagnostics: result.diagnostics.filter((d) => d.severity === "error") } : result;
  const color = values["no-color"] ? false : (values.color ?? defaultColor(io));
  for (const { format: name, file } of outputs.files) {
    const path = resolve(io.cwd, file);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, REPORTERS[name]!(shown, { catalog, version: VERSION, color: false, cwd: io.cwd }));
    } catch (error) {
      throw new CliUsageError(`--output-file: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  io.write(REPORTERS[outputs.terminal]!(shown, { catalog, version: VERSION, color, cwd: io.cwd }));

  for (const input of result.unmatched) io.error(`meshlint: no such file, folder or glob match: ${input}\n`);
  if (result.unmatched.length) return EXIT.usage;
  if (result.diagnostics.some((d) => d.ruleId === "internal-error")) return EXIT.usage;
  return exitCode(result, failOn as (typeof FAIL_ON)[number], maxWarnings);
}

/** The inputs and lint() options of a lint command line (shared with `meshlint baseline`). */
export async function lintInvocation(
  values: Values,
  positionals: readonly string[],
  io: CliIo,
): Promise<{ inputs: string[]; options: LintOptions }> {
  const maxFileSize = values["max-file-size"] === undefined ? undefined : parseSize(values["max-file-size"]);
  const channel = values["gateway-api-channel"];
  if (channel !== undefined && channel !== "standard" && channel !== "experimental") {
    throw new CliUsageError('--gateway-api-channel must be "standard" or "experimental"');
  }
  const named = positionals.length ? [...positionals] : ["."];
  const since = values["changed-since"];
  const repoContext = values["repo-context"];
  if ((since !== undefined || repoContext) && named.includes("-")) {
    throw new CliUsageError("--changed-since and --repo-context read files from the repository, not standard input");
  }
  // --repo-context: the whole repository is context, findings are reported in the named paths only.
  const inputs = repoContext ? [...(await repositoryFiles(io.cwd, configIgnores(values, io.cwd))), ...named] : named;
  let reportFiles: string[] | undefined = repoContext ? named : undefined;
  if (since !== undefined) {
    const changed = await changedFiles(io.cwd, since).catch((error: Error) => {
      throw new CliUsageError(`--changed-since ${since}: ${error.message}`);
    });
    const scope = named.map((p) => resolve(io.cwd, p));
    reportFiles = changed.filter((f) => scope.some((s) => isInside(s, f)));
  }
  const stdin = inputs.includes("-") ? await io.readStdin() : undefined;
  return {
    inputs,
    options: {
      cwd: io.cwd,
      ...(stdin !== undefined ? { stdin } : {}),
      ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
      ...(values.config !== undefined ? { configFile: values.config } : {}),
      ...(values["mesh-config"] !== undefined ? { meshConfigFile: values["mesh-config"] } : {}),
      ...(values["mesh-networks"] !== undefined ? { meshNetworksFile: values["mesh-networks"] } : {}),
      ...(maxFileSize !== undefined ? { maxFileSize } : {}),
      ...(channel !== undefined ? { gatewayApiChannel: channel } : {}),
      ...(values.crds ? { crds: values.crds } : {}),
      ...(reportFiles ? { reportFiles } : {}),
      ...(values["no-baseline"] ? { baseline: false as const } : {}),
    },
  };
}

/** The config file's ignore globs (the config lint() will read), for listing the repository's files. */
function configIgnores(values: Values, cwd: string): { dir: string; patterns: readonly string[] } | undefined {
  try {
    const file = values.config !== undefined ? resolve(cwd, values.config) : findConfigFile(cwd);
    const config = file ? loadConfig(file) : undefined;
    return config?.ignore.length ? { dir: config.dir, patterns: config.ignore } : undefined;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(error.message);
    throw error;
  }
}

/** Parses a lint command line into values and paths (for subcommands that take the lint options). */
export function parseLintArgs(argv: readonly string[]): { values: Values; positionals: string[] } {
  return parseOptions(argv);
}

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

function defaultColor(io: CliIo): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== "") return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== "0") return true;
  return io.stdoutIsTTY && io.env.TERM !== "dumb";
}

function parseCount(value: string, flag: string): number {
  if (!/^\d+$/.test(value)) throw new CliUsageError(`${flag} needs a whole number, not "${value}"`);
  return Number(value);
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

function parseSize(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
  if (!m || unit === undefined) throw new CliUsageError(`--max-file-size needs a size such as 5MB or 512KB, not "${value}"`);
  return Math.floor(Number(m[1]) * unit);
}
