import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import type { ClusterOptions, LintOptions } from "../api.js";
import { ConfigError, configFileFor, loadConfig } from "../engine/config.js";
import { gitTop, repositoryFiles } from "../load/git.js";
import { didYouMean } from "../base/suggest.js";
import { type CliIo, CliUsageError } from "./io.js";
import type { RunCache } from "../project/run-cache.js";

// The options of a lint command line, shared by `meshlint` and `meshlint baseline`.

export const OPTIONS = {
  format: { type: "string", short: "f", default: "stylish" },
  "fail-on": { type: "string", default: "error" },
  "max-warnings": { type: "string" },
  "mesh-config": { type: "string" },
  "mesh-networks": { type: "string" },
  namespace: { type: "string", short: "n" },
  config: { type: "string", short: "c" },
  "max-file-size": { type: "string" },
  "max-total-size": { type: "string" },
  "gateway-api-channel": { type: "string" },
  crds: { type: "string", multiple: true },
  cluster: { type: "boolean", default: false },
  kubeconfig: { type: "string" },
  context: { type: "string" },
  "all-namespaces": { type: "boolean", short: "A", default: false },
  timeout: { type: "string" },
  "output-file": { type: "string", short: "o", multiple: true },
  "changed-since": { type: "string" },
  staged: { type: "boolean", default: false },
  "repo-context": { type: "boolean", default: false },
  "stdin-filename": { type: "string" },
  "print-config": { type: "string" },
  "no-baseline": { type: "boolean", default: false },
  "kustomize-command": { type: "string" },
  "helm-command": { type: "string" },
  "helm-values": { type: "string", multiple: true },
  "no-render": { type: "boolean", default: false },
  "allow-empty": { type: "boolean", default: false },
  cache: { type: "boolean", default: false },
  "cache-location": { type: "string" },
  "list-rules": { type: "boolean", default: false },
  quiet: { type: "boolean", short: "q", default: false },
  color: { type: "boolean" },
  "no-color": { type: "boolean" },
  version: { type: "boolean", short: "v", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

export type Values = ReturnType<typeof parseLintArgs>["values"];

/** Parses a lint command line into values and paths. */
export function parseLintArgs(argv: readonly string[]) {
  try {
    return parseArgs({ args: joinNegativeValues(argv, OPTIONS), options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    throw optionError(error as NodeJS.ErrnoException, OPTIONS);
  }
}

type OptionTable = Readonly<Record<string, { readonly type: "string" | "boolean"; readonly short?: string }>>;

/**
 * `--max-warnings -1` as `--max-warnings=-1`: parseArgs refuses a value that starts with "-" as ambiguous, but a
 * negative number after an option that takes a value can only be that value.
 */
export function joinNegativeValues(argv: readonly string[], options: OptionTable): string[] {
  const takesValue = new Set<string>();
  for (const [name, o] of Object.entries(options)) {
    if (o.type !== "string") continue;
    takesValue.add(`--${name}`);
    if (o.short) takesValue.add(`-${o.short}`);
  }
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else out.push(arg);
  }
  return out;
}

/** parseArgs' errors in meshlint's words, with the nearest option for a misspelt one. */
export function optionError(error: NodeJS.ErrnoException, options: OptionTable): CliUsageError {
  const message = error.message.split("\n")[0] ?? "";
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? "";
  const flag = quoted.split(/[ ,]/).filter((p) => p.startsWith("-")).at(-1) ?? quoted;
  switch (error.code) {
    case "ERR_PARSE_ARGS_UNKNOWN_OPTION": {
      const names = Object.keys(options).map((n) => `--${n}`);
      return new CliUsageError(`unknown option "${flag}"${flag.startsWith("--") ? didYouMean(flag, names) : ""}`);
    }
    case "ERR_PARSE_ARGS_INVALID_OPTION_VALUE":
      if (/does not take an argument/.test(message)) return new CliUsageError(`option ${flag} takes no value`);
      return new CliUsageError(`option ${flag} needs a value`);
    case "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL":
      return new CliUsageError(`unexpected argument ${quoted ? `"${quoted}"` : ""}`.trim());
    default:
      return new CliUsageError(message.replace(/^.*?: /, "") || "bad arguments");
  }
}

/** The inputs and lint() options of a lint command line (shared with `meshlint baseline`). */
export async function lintInvocation(
  values: Values,
  positionals: readonly string[],
  io: CliIo,
): Promise<{ inputs: string[]; options: LintOptions }> {
  const maxFileSize = values["max-file-size"] === undefined ? undefined : parseSize("--max-file-size", values["max-file-size"]);
  const maxTotalSize = values["max-total-size"] === undefined ? undefined : parseSize("--max-total-size", values["max-total-size"]);
  const channel = values["gateway-api-channel"];
  if (channel !== undefined && channel !== "standard" && channel !== "experimental") {
    throw new CliUsageError('--gateway-api-channel must be "standard" or "experimental"');
  }
  const cluster = await clusterInvocation(values);
  // With --cluster the cluster is the repository: paths only add (or replace) objects.
  const stdinFilename = values["stdin-filename"];
  // --stdin-filename alone means standard input is what is linted.
  const named = positionals.length ? [...positionals] : stdinFilename !== undefined ? ["-"] : cluster ? [] : ["."];
  if (stdinFilename !== undefined && !named.includes("-")) throw new CliUsageError("--stdin-filename names standard input: pass - among the paths");
  const change = isChange(values);
  const repoContext = values["repo-context"];
  if (change && named.includes("-")) throw new CliUsageError("--changed-since and --staged compare trees of the repository, not standard input");
  if (repoContext && named.includes("-") && stdinFilename === undefined) {
    throw new CliUsageError("--repo-context with standard input needs --stdin-filename, to know where the text belongs");
  }
  if (change && cluster) throw new CliUsageError("--changed-since and --staged compare two trees of the repository; they do not combine with --cluster");
  let inputs = named;
  let reportFiles: string[] | undefined;
  if (repoContext && change) {
    // A change is judged on everything it can break: the whole repository, on both sides.
    const top = await gitTop(io.cwd);
    inputs = [top ? relative(io.cwd, top) || "." : "."];
  } else if (repoContext) {
    // The whole repository is context; findings are reported in the named paths only (standard input standing for
    // the file it is named as, in place of that file: an editor's unsaved buffer).
    inputs = [...(await repositoryFiles(io.cwd, configIgnores(values, io.cwd, named))), ...named];
    reportFiles = named.map((p) => (p === "-" ? stdinFilename! : p));
  }
  const stdin = inputs.includes("-") ? await io.readStdin() : undefined;
  const cache = await openCache(values, io);
  return {
    inputs,
    options: {
      cwd: io.cwd,
      ...(stdin !== undefined ? { stdin } : {}),
      ...(stdinFilename !== undefined ? { stdinFilename } : {}),
      ...(repoContext && !change ? { configFrom: named } : {}),
      ...(cluster ? { cluster: cluster.options, namespace: cluster.defaultNamespace } : values.namespace !== undefined ? { namespace: values.namespace } : {}),
      ...(values.config !== undefined ? { configFile: values.config } : {}),
      ...(values["mesh-config"] !== undefined ? { meshConfigFile: values["mesh-config"] } : {}),
      ...(values["mesh-networks"] !== undefined ? { meshNetworksFile: values["mesh-networks"] } : {}),
      ...(maxFileSize !== undefined ? { maxFileSize } : {}),
      ...(maxTotalSize !== undefined ? { maxTotalSize } : {}),
      ...(channel !== undefined ? { gatewayApiChannel: channel } : {}),
      ...(values.crds ? { crds: values.crds } : {}),
      ...(reportFiles ? { reportFiles } : {}),
      ...(values["no-baseline"] ? { baseline: false as const } : {}),
      ...renderOptions(values, io.cwd),
      ...(cache ? { cache } : {}),
    },
  };
}

/** The cache of `--cache [--cache-location PATH]`; what is wrong with an existing one is said, and the run goes on. */
async function openCache(values: Values, io: CliIo): Promise<RunCache | undefined> {
  if (!values.cache) {
    if (values["cache-location"] !== undefined) throw new CliUsageError("--cache-location needs --cache");
    return undefined;
  }
  const { RunCache, cacheFileFor } = await import("../project/run-cache.js");
  const { cache, problem } = RunCache.open(cacheFileFor(values["cache-location"], io.cwd));
  if (problem) io.error(`meshlint: ${problem}\n`);
  return cache;
}

/** Writes back the cache of a lint command line, if it has one; a cache that cannot be written is only a message. */
export function saveCache(options: LintOptions, io: CliIo): void {
  const problem = options.cache?.save();
  if (problem) io.error(`meshlint: ${problem}\n`);
}

/**
 * `--cluster [--kubeconfig F] [--context C] [-n NS | -A] [--timeout 60s]`: the connection, the namespaces to lint
 * (the context's namespace unless -n or -A, as kubectl), and the namespace of file objects that name none.
 */
async function clusterInvocation(values: Values): Promise<{ options: ClusterOptions; defaultNamespace: string } | undefined> {
  const given = ["kubeconfig", "context", "all-namespaces", "timeout"].filter((f) => values[f as keyof Values]);
  if (!values.cluster) {
    if (given.length) throw new CliUsageError(`--${given[0]} needs --cluster`);
    return undefined;
  }
  if (values["all-namespaces"] && values.namespace !== undefined) throw new CliUsageError("--cluster: use -n NAMESPACE or -A, not both");
  const timeoutMs = values.timeout === undefined ? undefined : parseDuration(values.timeout, "--timeout");
  const { connect, ClusterError } = await import("../cluster/kube-client.js");
  const client = await connect({
    ...(values.kubeconfig !== undefined ? { kubeconfig: values.kubeconfig } : {}),
    ...(values.context !== undefined ? { context: values.context } : {}),
  }).catch((error: unknown) => {
    throw error instanceof ClusterError ? new CliUsageError(error.message) : error;
  });
  const namespace = values.namespace ?? client.namespace;
  return {
    options: { client, ...(values["all-namespaces"] ? {} : { namespaces: [namespace] }), ...(timeoutMs !== undefined ? { timeoutMs } : {}) },
    defaultNamespace: namespace,
  };
}

/** `30s`, `2m`, `1h`, `500ms` (Go's duration units that make sense here) in milliseconds. */
export function parseDuration(value: string, flag: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new CliUsageError(`${flag} needs a duration such as 30s, 2m or 1h, not "${value}"`);
  return Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as "ms" | "s" | "m" | "h"];
}

/** Whether the command line judges a change (`--changed-since`, `--staged`) rather than the tree as it is. */
export const isChange = (values: Values): boolean => values["changed-since"] !== undefined || values.staged;

/** How Kustomize overlays and Helm charts are rendered, or not at all with --no-render. */
function renderOptions(values: Values, cwd: string): Pick<LintOptions, "render"> {
  if (values["no-render"]) return { render: false };
  const render = {
    ...(values["kustomize-command"] !== undefined ? { kustomizeCommand: values["kustomize-command"] } : {}),
    ...(values["helm-command"] !== undefined ? { helmCommand: values["helm-command"] } : {}),
    ...(values["helm-values"] ? { helmValues: values["helm-values"].map((f) => resolve(cwd, f)) } : {}),
  };
  return Object.keys(render).length ? { render } : {};
}

/** The config file's ignore globs (the config lint() will read), for listing the repository's files. */
function configIgnores(values: Values, cwd: string, named: readonly string[]): { dir: string; patterns: readonly string[] } | undefined {
  try {
    const file = values.config !== undefined ? resolve(cwd, values.config) : configFileFor(named, cwd, values["stdin-filename"]);
    const config = file ? loadConfig(file) : undefined;
    return config?.ignore.length ? { dir: config.dir, patterns: config.ignore } : undefined;
  } catch (error) {
    if (error instanceof ConfigError) throw new CliUsageError(error.message);
    throw error;
  }
}

/** A count such as --max-warnings; -1 means no limit, as in ESLint. */
export function parseCount(value: string, flag: string): number {
  if (value === "-1") return Infinity;
  if (!/^\d+$/.test(value)) throw new CliUsageError(`${flag} needs a whole number (or -1 for no limit), not "${value}"`);
  return Number(value);
}

const UNITS: Record<string, number> = { "": 1, b: 1, k: 1024, kb: 1024, m: 1024 ** 2, mb: 1024 ** 2, g: 1024 ** 3, gb: 1024 ** 3 };

function parseSize(flag: string, value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value.trim());
  const unit = UNITS[(m?.[2] ?? "").toLowerCase()];
  if (!m || unit === undefined) throw new CliUsageError(`${flag} needs a size such as 5MB or 512KB, not "${value}"`);
  return Math.floor(Number(m[1]) * unit);
}
