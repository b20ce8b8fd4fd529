import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createRequire } from "node:module";
import type AjvDraft04 from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import { FINGERPRINT_KEY, SARIF_SCHEMA } from "../../src/report/sarif.js";
import { ROOT } from "../helpers/fixtures.js";
import { tempRepo } from "../helpers/temp-repo.js";
import { SERVICE_YAML, cli, routeYaml } from "./world.js";

// ajv-draft-04 is CommonJS whose module.exports is the class.
const Ajv04 = createRequire(import.meta.url)("ajv-draft-04") as typeof AjvDraft04.default;
const schema = JSON.parse(readFileSync(join(ROOT, "test", "integrations", "schemas", "sarif-2.1.0-rtm.5.json"), "utf8"));
// The schema's `language` pattern is not valid as a Unicode regular expression; it is meant for ECMA-262 without `u`.
const ajv = new Ajv04({ allErrors: true, strict: false, unicodeRegExp: false });
const URI_CHARS = /^(?:[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$/;
ajv.addFormat("uri", (s: string) => URI_CHARS.test(s) && /^[A-Za-z][A-Za-z0-9+.-]*:/.test(s));
ajv.addFormat("uri-reference", (s: string) => URI_CHARS.test(s));
ajv.addFormat("date-time", (s: string) => !Number.isNaN(Date.parse(s)));
const validate = ajv.compile(schema);

interface Region {
  startLine: number;
  startColumn?: number;
  endLine?: number;
  endColumn?: number;
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation?: { artifactLocation: { uri: string; uriBaseId?: string }; region: Region }; logicalLocations?: { fullyQualifiedName: string; kind: string }[] }[];
  partialFingerprints: Record<string, string>;
  relatedLocations?: { physicalLocation?: { artifactLocation: { uri: string } }; message: { text: string } }[];
}

async function sarifOf(files: Record<string, string>, args: string[] = ["."]) {
  const dir = tempRepo(files);
  const r = await cli(["-f", "sarif", ...args], dir);
  return { dir, code: r.code, log: JSON.parse(r.out) };
}

describe("SARIF 2.1.0", () => {
  it("a real run's output is valid against the SARIF 2.1.0 JSON Schema", async () => {
    const { log, code } = await sarifOf({ "mesh/service.yaml": SERVICE_YAML, "mesh/vs.yaml": routeYaml("v2"), "broken.yaml": "a: [" });
    expect(code).toBe(1);
    const ok = validate(log);
    expect(validate.errors ?? [], JSON.stringify(validate.errors?.slice(0, 3))).toEqual([]);
    expect(ok).toBe(true);
    // The validator is not vacuous: a wrong version, a 0 line or an unencoded URI are rejected.
    expect(validate({ ...log, version: "2.0.0" })).toBe(false);
    const broken = structuredClone(log);
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(validate(broken)).toBe(false);
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 1;
    broken.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = "a file.yaml";
    expect(validate(broken)).toBe(false);
    // The demo repository has related locations, several rules and codes: valid too.
    const demo = await cli(["-f", "sarif", "fixtures/demo"], ROOT);
    expect(validate(JSON.parse(demo.out)), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = JSON.parse(demo.out).runs[0];
    const described = run.tool.driver.rules.map((r: { id: string }) => r.id);
    expect(described).toEqual([...new Set(run.results.map((r: { ruleId: string }) => r.ruleId))].sort());
    expect(demo.out.length).toBeLessThan(150_000);
  });

  it("has every field GitHub code scanning requires", async () => {
    const { log } = await sarifOf({ "mesh/service.yaml": SERVICE_YAML, "mesh/vs.yaml": routeYaml("v2") });
    expect(log.$schema).toBe(SARIF_SCHEMA);
    expect(log.version).toBe("2.1.0");
    expect(log.runs).toHaveLength(1);
    const run = log.runs[0];
    const driver = run.tool.driver;
    expect(driver.name).toBe("meshlint");
    expect(driver.version ?? driver.semanticVersion).toMatch(/^\d+\.\d+\.\d+/);
    // Only the rules that have results, as GitHub code scanning expects (all 175 descriptors made 542 KB of 657).
    expect(driver.rules.map((r: { id: string }) => r.id)).toEqual(["virtualservice-subset-not-found"]);
    for (const rule of driver.rules) {
      expect(rule.id).toMatch(/^[a-z0-9-]+$/);
      expect(rule.shortDescription.text.length).toBeGreaterThan(0);
      expect(rule.shortDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.fullDescription.text.length).toBeGreaterThan(0);
      expect(rule.fullDescription.text.length).toBeLessThanOrEqual(1024);
      expect(rule.help.text.length).toBeGreaterThan(0);
      expect(rule.help.markdown).toContain(rule.helpUri);
      expect(rule.helpUri).toMatch(new RegExp(`^https://.+/rules/[a-z-]+/${rule.id}\\.md$`));
      expect(["note", "warning", "error"]).toContain(rule.defaultConfiguration.level);
      expect(rule.properties.tags.length).toBeLessThanOrEqual(20);
    }
    expect(Array.isArray(run.results)).toBe(true);
    const results = run.results as SarifResult[];
    expect(results).toHaveLength(1);
    const [result] = results;
    expect(result!.ruleId).toBe("virtualservice-subset-not-found");
    expect(driver.rules[result!.ruleIndex].id).toBe(result!.ruleId);
    expect(result!.level).toBe("error");
    expect(result!.message.text).toContain('Subset "v2"');
    expect(result!.locations.length).toBeGreaterThanOrEqual(1);
    expect(result!.locations.length).toBeLessThanOrEqual(10);
    const physical = result!.locations[0]!.physicalLocation!;
    expect(physical.artifactLocation.uri).toBe("mesh/vs.yaml");
    // 1-based; the region covers `v2` on line 8 (end column exclusive).
    expect(physical.region).toEqual({ startLine: 8, startColumn: 45, endLine: 8, endColumn: 47 });
    expect(result!.locations[0]!.logicalLocations?.[0]).toMatchObject({ fullyQualifiedName: "VirtualService/shop/web", kind: "resource" });
    expect(result!.partialFingerprints[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{16}$/);
    expect(run.originalUriBaseIds["%SRCROOT%"].uri).toMatch(/^file:\/\/.*\/$/);
    expect(run.columnKind).toBe("utf16CodeUnits");
  });

  it("fingerprints stay the same when lines move", async () => {
    const before = await sarifOf({ "mesh/service.yaml": SERVICE_YAML, "mesh/vs.yaml": routeYaml("v2") });
    const after = await sarifOf({ "mesh/service.yaml": SERVICE_YAML, "mesh/vs.yaml": `# a comment\n\n${routeYaml("v2")}` });
    const fp = (log: { runs: { results: SarifResult[] }[] }) => log.runs[0]!.results[0]!.partialFingerprints[FINGERPRINT_KEY];
    const line = (log: { runs: { results: SarifResult[] }[] }) => log.runs[0]!.results[0]!.locations[0]!.physicalLocation!.region.startLine;
    expect(line(after.log)).toBe(line(before.log) + 2);
    expect(fp(after.log)).toBe(fp(before.log));
  });

  it("related locations point at the other file; a file-level finding still has a region", async () => {
    const dup = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: x }\n";
    const { log } = await sarifOf({ "a.yaml": dup, "b.yaml": dup, "c.yaml": "a: [" });
    expect(validate(log)).toBe(true);
    const results = log.runs[0].results as SarifResult[];
    const duplicate = results.find((r) => r.ruleId === "resource-duplicate")!;
    expect(duplicate.relatedLocations?.[0]?.physicalLocation?.artifactLocation.uri).toBe("a.yaml");
    const syntax = results.find((r) => r.ruleId === "yaml-syntax-error")!;
    expect(syntax.locations[0]!.physicalLocation!.region.startLine).toBeGreaterThanOrEqual(1);
  });
});
