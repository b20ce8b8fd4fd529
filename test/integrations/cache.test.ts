// --cache: the same bytes in every format as a run without it, whatever the cache holds (nothing, everything, an
// older version of a file, an older CRD or configuration), and a cache file that is damaged or not a cache is said
// and set aside, never a crash.
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { RULE_FIXTURES, ROOT } from "../helpers/fixtures.js";
import { tempRepo } from "../helpers/temp-repo.js";
import { cli } from "./world.js";

const FORMATS = ["stylish", "json", "compact", "sarif", "github", "junit", "checkstyle"];

const CRD = (limit: number) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: canaries.rollout.example.com }
spec:
  group: rollout.example.com
  scope: Namespaced
  names: { kind: Canary, plural: canaries, singular: canary }
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              x-kubernetes-validations:
                - rule: self.maxWeight <= ${limit}
                  message: maxWeight is too large
              properties:
                maxWeight: { type: integer }
`;

const CANARY = `apiVersion: rollout.example.com/v1
kind: Canary
metadata: { name: web, namespace: shop }
spec:
  maxWeight: 150
`;

/** The demo, some rule fixtures (schema, CEL, YAML errors, aliases, deprecated versions), and a CRD of the repository. */
function repository(): string {
  const dir = tempRepo({ "crd/canary-crd.yaml": CRD(100), "crd/canary.yaml": CANARY });
  cpSync(join(ROOT, "fixtures", "demo"), join(dir, "demo"), { recursive: true });
  for (const rule of ["schema-invalid", "validation-rule-failed", "yaml-syntax-error", "yaml-duplicate-key", "api-version-deprecated", "yaml-alias-limit-exceeded"]) {
    cpSync(join(RULE_FIXTURES, rule), join(dir, rule), { recursive: true, filter: (f) => !f.endsWith(".expect") });
  }
  return dir;
}

function outputFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), "meshlint-cache-out-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every format's output of one run (files, so that one run gives all), with the exit code and standard error. */
async function lintAll(repo: string, extra: string[]): Promise<{ code: number; err: string; outputs: Record<string, string> }> {
  const out = outputFolder();
  const args = [...extra, "-f", "json", ...FORMATS.flatMap((f) => ["-o", `${f}=${join(out, f)}`]), "."];
  const { code, err } = await cli(args, repo);
  return { code, err, outputs: Object.fromEntries(FORMATS.map((f) => [f, readFileSync(join(out, f), "utf8")])) };
}

function expectSame(a: Awaited<ReturnType<typeof lintAll>>, b: Awaited<ReturnType<typeof lintAll>>, what: string) {
  expect(b.code, what).toBe(a.code);
  for (const f of FORMATS) expect(b.outputs[f], `${what}, ${f}`).toBe(a.outputs[f]);
}

describe("--cache", () => {
  it("gives the bytes a run without it gives: cold, warm, after a file, a CRD and the configuration change", async () => {
    const repo = repository();
    const cacheArgs = ["--cache", "--cache-location", join(outputFolder(), "cache")];
    const plain = await lintAll(repo, []);
    expect(plain.outputs.json).toContain("validation-rule-failed");
    expect(plain.outputs.json).toContain("yaml-syntax-error");
    const cold = await lintAll(repo, cacheArgs);
    expectSame(plain, cold, "cold");
    expect(cold.err).toBe("");
    expectSame(plain, await lintAll(repo, cacheArgs), "warm");

    // One manifest changes: its findings move, the others' come from the cache.
    writeFileSync(join(repo, "crd/canary.yaml"), CANARY.replace("150", "120").replace("web", "webapp"));
    const changed = await lintAll(repo, []);
    expect(changed.outputs.json).not.toBe(plain.outputs.json);
    expectSame(changed, await lintAll(repo, cacheArgs), "one file changed");
    expectSame(changed, await lintAll(repo, cacheArgs), "one file changed, warm");

    // The CRD changes: its objects' schema reports are made again, though their own file did not change.
    writeFileSync(join(repo, "crd/canary-crd.yaml"), CRD(200));
    const crd = await lintAll(repo, []);
    expect(crd.outputs.json).not.toContain("maxWeight is too large");
    expectSame(crd, await lintAll(repo, cacheArgs), "CRD changed");

    // The configuration changes.
    writeFileSync(join(repo, ".meshlint.yaml"), "rules:\n  yaml-duplicate-key: off\nsettings:\n  namespace: shop\n");
    const configured = await lintAll(repo, []);
    expect(configured.outputs.json).not.toBe(crd.outputs.json);
    expectSame(configured, await lintAll(repo, cacheArgs), "configuration changed");
  });

  it("is .meshlintcache in the working folder by default, or inside a folder --cache-location names", async () => {
    const repo = tempRepo({ "crd/canary-crd.yaml": CRD(100), "crd/canary.yaml": CANARY });
    await cli(["--cache", "."], repo);
    expect(readFileSync(join(repo, ".meshlintcache"), "utf8")).toMatch(/^\{"meshlintCache":/);
    const folder = outputFolder();
    await cli(["--cache", "--cache-location", folder, "."], repo);
    expect(readdirSync(folder)).toEqual([expect.stringMatching(/^\.meshlintcache_[0-9a-f]{12}$/)]);
    const missing = join(outputFolder(), "caches") + "/";
    await cli(["--cache", "--cache-location", missing, "."], repo);
    expect(readdirSync(missing)).toEqual([expect.stringMatching(/^\.meshlintcache_/)]);
  });

  it("a damaged cache is said and rebuilt; a file that is not a cache is said and left alone", async () => {
    const repo = tempRepo({ "crd/canary-crd.yaml": CRD(100), "crd/canary.yaml": CANARY });
    const plain = await lintAll(repo, []);
    const cache = join(outputFolder(), "cache");
    for (const damaged of ['{"meshlintCache":1,"version":', '{"meshlintCache":1,"version":"0.0.0-x","entries":{}}', `{"meshlintCache":1,"version":${JSON.stringify(version())},"entries":{"k":{"parsed":{"resources":7}}}}`]) {
      writeFileSync(cache, damaged);
      const run = await lintAll(repo, ["--cache", "--cache-location", cache]);
      expectSame(plain, run, damaged);
      // Another version's cache is simply replaced; a damaged one is reported.
      if (damaged.includes("0.0.0-x")) expect(run.err).toBe("");
      else expect(run.err).toMatch(/^meshlint: the cache .* is damaged \(.+\); it is rebuilt\n$/);
      expect(readFileSync(cache, "utf8")).toMatch(/"entries":\{"[0-9a-f]{64}":\{"parsed"/);
      expectSame(plain, await lintAll(repo, ["--cache", "--cache-location", cache]), `${damaged}, then warm`);
    }
    for (const foreign of ["not a cache", "\u0000\u0001binary", '{"entries":{}}']) {
      writeFileSync(cache, foreign);
      const run = await lintAll(repo, ["--cache", "--cache-location", cache]);
      expectSame(plain, run, JSON.stringify(foreign));
      expect(run.err).toMatch(/^meshlint: .*cache is not a meshlint cache; it is left as it is and no cache is used/);
      expect(readFileSync(cache, "utf8")).toBe(foreign);
    }
  });

  it("--cache-location needs --cache", async () => {
    const repo = tempRepo({ "crd/canary.yaml": CANARY });
    const r = await cli(["--cache-location", "x", "."], repo);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/--cache-location needs --cache/);
    expect(existsSync(join(repo, "x"))).toBe(false);
  });
});

function version(): string {
  return String((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
}
