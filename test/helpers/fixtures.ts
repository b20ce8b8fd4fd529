import { existsSync, readFileSync, readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { type LintOptions, type LintResult, lint } from "../../src/api.js";
import { type Config, emptyConfig } from "../../src/engine/config.js";
import type { JsonObject } from "../../src/model/resource.js";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const RULE_FIXTURES = join(ROOT, "fixtures", "rules");

export interface Fixture {
  readonly ruleId: string;
  readonly kind: "valid" | "invalid";
  readonly path: string;
}

/** Every fixtures/rules/<rule-id>/{valid,invalid}/<file> (sidecar .options.yaml and .expect files excluded). */
export function ruleFixtures(): Fixture[] {
  if (!existsSync(RULE_FIXTURES)) return [];
  return readdirSync(RULE_FIXTURES).flatMap((ruleId) =>
    (["valid", "invalid"] as const).flatMap((kind) => {
      const dir = join(RULE_FIXTURES, ruleId, kind);
      if (!existsSync(dir)) return [];
      return readdirSync(dir)
        .filter((f) => !f.endsWith(".options.yaml") && !f.endsWith(".expect") && !f.startsWith("."))
        .sort()
        .map((f) => ({ ruleId, kind, path: join(dir, f) }));
    }),
  );
}

/**
 * Lints one fixture alone, isolated from any config file above it. A sibling `<file>.options.yaml` may set
 * `namespace`, `meshConfig` (a MeshConfig as data), `maxFileSize` and `config` (rules/settings as in .meshlint.yaml).
 */
export async function lintFixture(path: string): Promise<LintResult> {
  const optionsFile = `${path}.options.yaml`;
  const o = (existsSync(optionsFile) ? parse(readFileSync(optionsFile, "utf8")) : {}) as {
    namespace?: string;
    meshConfig?: JsonObject;
    maxFileSize?: number;
    config?: Partial<Config>;
  };
  const dir = dirname(path);
  const options: LintOptions = {
    cwd: dir,
    config: { ...emptyConfig(dir), ...(o.config ?? {}) },
    ...(o.namespace ? { namespace: o.namespace } : {}),
    ...(o.meshConfig ? { meshConfig: o.meshConfig } : {}),
    ...(o.maxFileSize ? { maxFileSize: o.maxFileSize } : {}),
  };
  return lint([basename(path)], options);
}

/**
 * The findings a fixture declares: `# expect: rule-id[, rule-id]` on the flagged line gives `line:rule-id`;
 * `# expect-file: rule-id` (or a line in a sibling `<file>.expect`, for files that cannot hold comments)
 * gives `file:rule-id` for a finding about the file as a whole.
 */
export function declaredFindings(path: string): string[] {
  const out: string[] = [];
  const sidecar = `${path}.expect`;
  if (existsSync(sidecar)) {
    for (const line of readFileSync(sidecar, "utf8").split("\n")) if (line.trim()) out.push(`file:${line.trim()}`);
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return out.sort();
  }
  text.split("\n").forEach((line, i) => {
    for (const m of line.matchAll(/#\s*expect(-file)?:\s*([\w\-, ]+)/g)) {
      for (const id of (m[2] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
        out.push(m[1] ? `file:${id}` : `${i + 1}:${id}`);
      }
    }
  });
  return out.sort();
}

export const actualFindings = (result: LintResult): string[] =>
  result.diagnostics.map((d) => (d.span ? `${d.span.line}:${d.ruleId}` : `file:${d.ruleId}`)).sort();
