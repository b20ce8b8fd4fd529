import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { VERSION } from "../base/package.js";
import { didYouMean } from "../base/suggest.js";
import { explain } from "./explain.js";
import { REPORTERS, defaultColor, exitCode, parseOutputs } from "./formats.js";
import { nothingRead } from "../report/summary.js";
import { HELP } from "./help.js";
import { type CliIo, CliUsageError, EXIT } from "./io.js";
import { stagedAnything } from "../load/git.js";
import { isChange, lintInvocation, parseCount, parseLintArgs, saveCache } from "./lint-options.js";
import { listRules } from "./list-rules.js";
import { RuleCatalog } from "../engine/catalog.js";
import type { RuleMeta } from "../engine/rule.js";
import { phase } from "../base/timing.js";
import type { LintResult } from "../api.js";

const FAIL_ON = ["error", "warning", "info", "none"] as const;

/** `meshlint [options] [paths...]`, and the informational forms: --help, --version, --list-rules, explain. */
export async function runLint(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseLintArgs(argv);
  if (values.help) {
    io.write(HELP);
    return EXIT.ok;
  }
  if (values.version) {
    io.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const format = values.format;
  if (values["list-rules"]) {
    const catalog = await ruleCatalog();
    if (format !== "json" && format !== "stylish" && format !== "markdown") throw new CliUsageError(`--list-rules supports --format stylish, json or markdown, not "${format}"`);
    io.write(listRules(catalog, format));
    return EXIT.ok;
  }
  if (positionals[0] === "explain") {
    const topic = positionals[1];
    if (!topic || positionals.length > 2) throw new CliUsageError("usage: meshlint explain <rule-id | IST#### | KIA####>");
    const catalog = await ruleCatalog();
    const text = explain(catalog, topic);
    if (text === undefined) {
      const known = catalog.rules.flatMap((r) => [r.meta.id, ...(r.meta.aliases ?? []).map((a) => a.code)]);
      throw new CliUsageError(`no rule or code "${topic}"${didYouMean(topic, known)}; "meshlint --list-rules" lists them`);
    }
    io.write(text);
    return EXIT.ok;
  }

  // Loaded only to lint: --list-rules and explain need the rules' metadata alone.
  const [{ lint, lintChange }, { builtinRules }, { printConfig }] = await Promise.all([import("../api.js"), import("../../rules/index.js"), import("./print-config.js")]);
  const catalog = builtinRules();
  if (values["print-config"] !== undefined) {
    if (positionals.length) throw new CliUsageError("--print-config takes one path and lints nothing");
    const configFile = values.config;
    io.write(printConfig(values["print-config"], { cwd: io.cwd, ...(configFile !== undefined ? { configFile } : {}), noBaseline: values["no-baseline"] }, catalog));
    return EXIT.ok;
  }

  const outputs = parseOutputs(format, values["output-file"] ?? []);
  const failOn = values["fail-on"];
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new CliUsageError(`--fail-on must be one of ${FAIL_ON.join(", ")}, not "${failOn}"${didYouMean(failOn, FAIL_ON)}`);
  const maxWarnings = values["max-warnings"] === undefined ? undefined : parseCount(values["max-warnings"], "--max-warnings");

  if (values.staged && values["changed-since"] === undefined && !(await stagedAnything(io.cwd))) {
    // The pre-commit hook runs on every commit: one that stages no manifest, chart or kustomization changes nothing.
    io.error("meshlint: nothing staged that meshlint reads\n");
    return EXIT.ok;
  }
  const { inputs, options } = await lintInvocation(values, positionals, io);
  const result = isChange(values)
    ? await lintChange(inputs, { ...options, ...(values["changed-since"] !== undefined ? { since: values["changed-since"] } : {}), staged: values.staged })
    : await lint(inputs, options);
  saveCache(options, io);
  for (const line of unreadLines(result.unread)) io.error(`meshlint: ${line}\n`);
  const shown = values.quiet ? { ...result, diagnostics: result.diagnostics.filter((d) => d.severity === "error") } : result;
  const color = values["no-color"] ? false : (values.color ?? defaultColor(io));
  // Whether the run ends in exit 2 is known before anything is printed, so that such a run never shows a success mark.
  const internal = result.diagnostics.some((d) => d.ruleId === "internal-error");
  const code = exitCode(result, failOn as (typeof FAIL_ON)[number], maxWarnings);
  // A run that would pass without having read a single object must not look like a clean bill of health.
  const empty = code === EXIT.ok && result.summary.resources === 0 && !values["allow-empty"];
  const failed = result.unmatched.length > 0 || internal || empty;
  const env = { catalog: result.catalog, version: VERSION, cwd: io.cwd, failed };
  for (const { format: name, file } of outputs.files) {
    const path = resolve(io.cwd, file);
    try {
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, REPORTERS[name]!(shown, { ...env, color: false }));
    } catch (error) {
      throw new CliUsageError(`--output-file: cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
    }
  }
  io.write(REPORTERS[outputs.terminal]!(shown, { ...env, color }));
  phase("report");

  for (const input of result.unmatched) io.error(`meshlint: no such file, folder or glob match: ${input}\n`);
  if (result.unmatched.length > 0 || internal) return EXIT.usage;
  if (empty) {
    io.error(`meshlint: ${nothingRead(result)}; pass --allow-empty if that is expected.\n`);
    return EXIT.usage;
  }
  return code;
}

/** Set by the CLI's bundle (scripts/build-cli.mjs): the built-in rules' metadata, taken from the same sources. */
declare const MESHLINT_RULE_METADATA: readonly RuleMeta[] | undefined;

/** The built-in rules for --list-rules and explain: their metadata alone when the bundle carries it, else the rules. */
async function ruleCatalog(): Promise<RuleCatalog> {
  if (typeof MESHLINT_RULE_METADATA !== "undefined") return new RuleCatalog(MESHLINT_RULE_METADATA.map((meta) => ({ meta })));
  return (await import("../../rules/index.js")).builtinRules();
}

/**
 * What the cluster did not let meshlint read, named once per set of namespaces, so that a clean run under a
 * namespaced Role is not read as a clean bill of health for what it could not see.
 */
export function unreadLines(unread: LintResult["unread"]): string[] {
  const groups = new Map<string, { kinds: string[]; reason: string }>();
  for (const u of unread) {
    const where = u.then === "assumed" ? "" : u.readIn.length ? ` outside namespace${u.readIn.length === 1 ? "" : "s"} ${u.readIn.map((n) => `"${n}"`).join(", ")}` : " in any namespace";
    const key = `${u.then}${where}`;
    const group = groups.get(key) ?? { kinds: [], reason: u.reason };
    group.kinds.push(u.kind);
    groups.set(key, group);
  }
  return [...groups].map(([key, { kinds, reason }]) => {
    const assumed = key.startsWith("assumed");
    const where = key.slice(assumed ? "assumed".length : "unknown".length);
    const then = assumed ? "what files alone assume is used instead (bundled CRDs, the installation's namespaces and classes)" : "findings that rest on them are infos";
    return `not read${where}: ${kinds.join(", ")}; ${then} (${reason})`;
  });
}
