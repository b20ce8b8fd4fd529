import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
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
  readonly installation?: {
    readonly ingressGateway?:
      | false
      | { namespace?: string; name?: string; labels?: Record<string, string>; ports?: number[] };
    readonly gatewayClasses?: readonly string[];
    readonly namespaces?: readonly string[];
  };
}

export const CONFIG_FILE_NAMES = [".meshlint.yaml", ".meshlint.yml"];

export class ConfigError extends Error {}

export const emptyConfig = (dir: string): Config => ({ rules: {}, ignore: [], settings: {}, dir, file: undefined });

/** The nearest `.meshlint.yaml` in `from` or a folder above it. */
export function findConfigFile(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    for (const name of CONFIG_FILE_NAMES) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

let validate: ReturnType<Ajv["compile"]> | undefined;

export function loadConfig(file: string): Config {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
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
      .map((e) => `${e.instancePath || "(top level)"} ${e.message ?? "is invalid"}${e.keyword === "additionalProperties" ? ` ("${String(e.params.additionalProperty)}")` : ""}`);
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
