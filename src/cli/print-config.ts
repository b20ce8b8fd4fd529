import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { defaultBaselineFile } from "../engine/baseline.js";
import type { RuleCatalog } from "../engine/catalog.js";
import type { RuleSetting } from "../engine/config.js";
import { resolveSeverity } from "../engine/finalize.js";
import { codesFor } from "../engine/rule.js";
import { toPosix } from "../load/ignore-rules.js";
import { resolveConfig } from "../project/project.js";
import { UsageError } from "../project/settings.js";
import { CliUsageError } from "./io.js";

/**
 * `--print-config PATH`: the configuration that applies when PATH is linted, as JSON: which file (found from PATH,
 * or --config), which baseline, the rules as written, the severity every rule ends up with (per message where a code
 * setting makes the messages differ), the ignore globs and the settings.
 */
export function printConfig(path: string, options: { cwd: string; configFile?: string; noBaseline: boolean }, catalog: RuleCatalog): string {
  const { cwd } = options;
  let config;
  try {
    config = resolveConfig(cwd, options.configFile !== undefined ? { configFile: options.configFile } : {}, [path]);
  } catch (error) {
    throw error instanceof UsageError ? new CliUsageError(error.message) : error;
  }
  const show = (file: string) => toPosix(relative(cwd, file)) || file;
  const baseline = defaultBaselineFile(config);
  const severities: Record<string, RuleSetting | Record<string, RuleSetting>> = {};
  for (const rule of catalog.rules) {
    const byMessage = Object.fromEntries(
      Object.keys(rule.meta.messages).map((id) => [id, resolveSeverity(rule, codesFor(rule.meta, id), config)] as const),
    );
    const distinct = new Set(Object.values(byMessage));
    severities[rule.meta.id] = distinct.size === 1 ? [...distinct][0]! : byMessage;
  }
  const out = {
    path: show(resolve(cwd, path)),
    configFile: config.file ? show(config.file) : null,
    baselineFile: !options.noBaseline && existsSync(baseline) ? show(baseline) : null,
    rules: config.rules,
    severities,
    ignore: config.ignore,
    settings: config.settings,
    ...(config.access ? { access: config.access } : {}),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
