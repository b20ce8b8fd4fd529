import { existsSync, readFileSync, statSync } from "node:fs";
import { readRegularTextSync } from "../base/read-file.js";
import { didYouMean } from "../base/suggest.js";
import { dirname, join, relative, resolve, sep } from "node:path";
import { Ajv } from "ajv";
import { re2Pattern } from "../base/re2.js";
import { parse } from "yaml";
import { PACKAGE_ROOT } from "../base/package.js";
import type { AccessAssertionSpec } from "../access/assertions.js";

export type RuleSetting = "off" | "info" | "warning" | "error";

/** `.meshlint.yaml`, validated against schemas/meshlint-config.schema.json. */
export interface Config {
  /** Severity by rule id, IST/KIA code or area. */
  readonly rules: Readonly<Record<string, RuleSetting>>;
  readonly ignore: readonly string[];
  readonly settings: ConfigSettings;
  /** The folder that relative paths in the file are anchored at. */
  readonly dir: string;
  /** The file it came from, if any. */
  readonly file: string | undefined;
  /** Expected access decisions (`access:`), checked on every lint. */
  readonly access?: readonly AccessAssertionSpec[];
}

export interface ConfigSettings {
  readonly namespace?: string;
  readonly clusterDomain?: string;
  readonly rootNamespace?: string;
  readonly meshConfig?: string;
  readonly meshNetworks?: string;
  readonly externalHosts?: readonly string[];
  readonly gatewayApiChannel?: "standard" | "experimental";
  readonly gatewayApiBundle?: "auto" | "upstream" | "linkerd";
  readonly linkerd?: { readonly distribution?: "open-source" | "enterprise"; readonly injectValues?: readonly string[] };
  readonly installation?: {
    readonly profile?: "default" | "demo" | "minimal" | "ambient" | "empty" | "remote";
    readonly istioNamespace?: string;
    readonly gateways?: Readonly<Record<string, false | ConfigGateway>>;
    readonly ingressGateway?: false | ConfigGateway;
    readonly gatewayClasses?: readonly string[];
    readonly namespaces?: readonly string[];
  };
}

/** A gateway the installation provides, as `settings.installation.gateways.<name>` writes it. */
export interface ConfigGateway {
  readonly namespace?: string;
  readonly name?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly ports?: readonly number[];
}

export const CONFIG_FILE_NAMES = [".meshlint.yaml", ".meshlint.yml"];

export class ConfigError extends Error {}

export const emptyConfig = (dir: string): Config => ({ rules: {}, ignore: [], settings: {}, dir, file: undefined });

/** The nearest `.meshlint.yaml` in `from` or a folder above it. */
export const findConfigFile = (from: string): string | undefined => findUpward(CONFIG_FILE_NAMES, from);

/** The nearest file with one of `names` in `from` or a folder above it. */
export function findUpward(names: readonly string[], from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    for (const name of names) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

const GLOB_CHARS = /[*?[\]{}!]/;

/**
 * The folder a named input is judged from: a folder itself, a file's folder, a glob's leading folders before the
 * first wildcard, and for standard input the folder of the name it was given (`--stdin-filename`), else `cwd`.
 */
export function lookupFolder(input: string, cwd: string, stdinFilename?: string): string {
  if (input === "-") return stdinFilename ? dirname(resolve(cwd, stdinFilename)) : resolve(cwd);
  const path = resolve(cwd, input);
  if (GLOB_CHARS.test(input)) {
    const fixed = input.split(/[\\/]/);
    const stop = fixed.findIndex((part) => GLOB_CHARS.test(part));
    return resolve(cwd, fixed.slice(0, stop).join(sep) || ".");
  }
  try {
    return statSync(path).isDirectory() ? path : dirname(path);
  } catch {
    return dirname(path);
  }
}

/**
 * The configuration file that applies to the named inputs: the nearest `.meshlint.yaml` above each of them. They
 * must agree (one configuration per run); when two differ, a ConfigError names both, so that the user lints them
 * separately or passes --config.
 */
export function configFileFor(inputs: readonly string[], cwd: string, stdinFilename?: string): string | undefined {
  const folders = [...new Set((inputs.length ? inputs : ["."]).map((i) => lookupFolder(i, cwd, stdinFilename)))];
  const found = new Map<string, string>();
  for (const folder of folders) {
    const file = findConfigFile(folder) ?? "";
    if (!found.has(file)) found.set(file, folder);
  }
  if (found.size > 1) {
    const show = (p: string) => relative(cwd, p).split(sep).join("/") || ".";
    const [[a, forA], [b, forB]] = [...found.entries()] as [[string, string], [string, string]];
    const name = (file: string) => (file ? show(file) : "no configuration file");
    throw new ConfigError(
      `the paths are governed by different configurations: ${name(a)} for ${show(forA)}, ${name(b)} for ${show(forB)}; lint them separately or pass --config`,
    );
  }
  return [...found.keys()][0] || undefined;
}

let validate: ReturnType<Ajv["compile"]> | undefined;

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readRegularTextSync(file);
  } catch (error) {
    throw new ConfigError(`cannot read config file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  let value: unknown;
  try {
    // YAML 1.2: the config says `off`, which YAML 1.1 would read as the boolean false.
    value = parse(text, { version: "1.2", uniqueKeys: true, prettyErrors: true });
  } catch (error) {
    throw new ConfigError(`${file}: ${(error as Error).message.split("\n")[0]}`);
  }
  value ??= {};
  validate ??= new Ajv({ allErrors: true, strict: false, code: { regExp: re2Pattern } }).compile(
    JSON.parse(readFileSync(join(PACKAGE_ROOT, "schemas", "meshlint-config.schema.json"), "utf8")),
  );
  if (!validate(value)) {
    const problems = (validate.errors ?? [])
      .filter((e) => e.keyword !== "oneOf" && e.keyword !== "const")
      .map((e) => {
        const where = e.instancePath || "(top level)";
        if (e.keyword === "enum") {
          // Name the allowed values and the nearest one: `warn` (ESLint's spelling) for `warning`.
          const allowed = (e.params.allowedValues as unknown[]).map(String);
          const given = valueAt(value, e.instancePath);
          return `${where} must be one of ${allowed.join(", ")}, not ${JSON.stringify(given)}${typeof given === "string" ? didYouMean(given, allowed) : ""}`;
        }
        return `${where} ${e.message ?? "is invalid"}${e.keyword === "additionalProperties" ? ` ("${String(e.params.additionalProperty)}")` : ""}`;
      });
    throw new ConfigError(`${file}: invalid configuration: ${[...new Set(problems)].join("; ")}`);
  }
  const config = value as { rules?: Record<string, RuleSetting>; ignore?: string[]; settings?: ConfigSettings; access?: AccessAssertionSpec[] };
  return {
    rules: config.rules ?? {},
    ignore: config.ignore ?? [],
    settings: config.settings ?? {},
    dir: dirname(file),
    file,
    ...(config.access ? { access: config.access } : {}),
  };
}

/** The value at a JSON pointer (`/rules/schema-invalid`) in parsed configuration. */
function valueAt(root: unknown, pointer: string): unknown {
  let node = root;
  for (const raw of pointer.split("/").slice(1)) {
    const step = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    node = node !== null && typeof node === "object" && Object.hasOwn(node, step) ? (node as Record<string, unknown>)[step] : undefined;
  }
  return node;
}
