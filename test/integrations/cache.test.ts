// --cache: the same bytes in every format as a run without it, whatever the cache holds (nothing, everything, an
// older version of a file, an older CRD or configuration), and a cache file that is damaged or not a cache is said
// and set aside, never a crash.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, onTestFinished, vi } from "vitest";
import { RULES } from "../../rules/index.js";
import { type LintOptions, lint } from "../../src/api.js";
import { RuleCatalog } from "../../src/engine/catalog.js";
import { defineRule, isResourceRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { ANY_KIND } from "../../src/model/resource-index.js";
import { RunCache } from "../../src/project/run-cache.js";
import { RULE_FIXTURES, ROOT } from "../helpers/fixtures.js";
import { hasKustomize5 } from "../helpers/kubectl.js";
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
    const cacheFile = join(outputFolder(), "cache");
    const cacheArgs = ["--cache", "--cache-location", cacheFile];
    const plain = await lintAll(repo, []);
    expect(plain.outputs.json).toContain("validation-rule-failed");
    expect(plain.outputs.json).toContain("yaml-syntax-error");
    const cold = await lintAll(repo, cacheArgs);
    expectSame(plain, cold, "cold");
    expect(cold.err).toBe("");
    // The findings' ranges are kept with their files' parses, and the warm run places its findings from them.
    expect(readFileSync(cacheFile, "utf8")).toMatch(/"ranges":\{"0:[a-z]*:\[/);
    expectSame(plain, await lintAll(repo, cacheArgs), "warm");

    // One manifest changes: its findings move, the others' come from the cache.
    writeFileSync(join(repo, "crd/canary.yaml"), CANARY.replace("150", "120").replace("web", "webapp"));
    const changed = await lintAll(repo, []);
    expect(changed.outputs.json).not.toBe(plain.outputs.json);
    expectSame(changed, await lintAll(repo, cacheArgs), "one file changed");
    expectSame(changed, await lintAll(repo, cacheArgs), "one file changed, warm");

    // The CRD changes: its objects' schema reports are made again, though their own file did not change.
    const schemaKeyOf = (file: string) => (readFileSync(cacheFile, "utf8").match(new RegExp(`\\{"file":"${file}",.*?"schemaKey":"([0-9a-f]+)"`)) ?? [])[1];
    const keyBefore = schemaKeyOf("crd/canary.yaml");
    writeFileSync(join(repo, "crd/canary-crd.yaml"), CRD(200));
    const crd = await lintAll(repo, []);
    expect(crd.outputs.json).not.toContain("maxWeight is too large");
    expectSame(crd, await lintAll(repo, cacheArgs), "CRD changed");
    // The unchanged file's entry holds the reports made against the new CRD (it is written anew, not copied).
    expect(keyBefore).toBeDefined();
    expect(schemaKeyOf("crd/canary.yaml")).not.toBe(keyBefore);

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
    const head = `{"meshlintCache":6,"version":${JSON.stringify(version())},"build":"source"}`;
    const key = "0".repeat(64);
    const emptyParse = '"parsed":{"resources":[],"issues":[],"skippedDocuments":0,"kustomize":false,"fastPath":true},"ids":[]';
    for (const damaged of [
      '{"meshlintCache":6,"version":',
      '{"meshlintCache":6,"version":"0.0.0-x"}\n',
      // The format of earlier versions: one JSON object.
      '{"meshlintCache":5,"version":"0.0.0-x","entries":{},"checks":{}}\n',
      `${head}\nE${key}{"file":"a.yaml","parsed":{"resources":7}}\n`,
      `${head}\nC${key}{"rules":[],"objects":[],"keys":[],"keySets":[],"checks":{"r":[[0,"x"]]},"reads":{}}\n`,
      `${head}\nE${key}{"file":"a.yaml",${emptyParse},"ranges":{"0::[]":[5,2]}}\n`,
      `${head}\nEk{"file":"a.yaml",${emptyParse}}\n`,
      `${head}\nX\n`,
    ]) {
      writeFileSync(cache, damaged);
      const run = await lintAll(repo, ["--cache", "--cache-location", cache]);
      expectSame(plain, run, damaged);
      // Another version's cache is simply replaced; a damaged one is reported.
      if (damaged.includes("0.0.0-x")) expect(run.err).toBe("");
      else expect(run.err).toMatch(/^meshlint: the cache .* is damaged \(.+\); it is rebuilt\n$/);
      expect(readFileSync(cache, "utf8")).toMatch(/\nE[0-9a-f]{64}\{"file":"[^"]+","parsed"/);
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

const service = (app: string) => `apiVersion: v1
kind: Service
metadata: { name: ${app}, namespace: shop }
spec:
  selector: { app: ${app} }
  ports: [{ name: http, port: 9080 }]
`;
const deployment = (name: string, app: string, labels: string, image: string) => `apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: shop }
spec:
  selector: { matchLabels: ${labels} }
  template:
    metadata: { labels: ${labels} }
    spec:
      containers: [{ name: ${app}, image: ${image}, ports: [{ containerPort: 9080 }] }]
`;
/** Two services: reviews (a DestinationRule with subsets v1 and v2, a VirtualService in another file routing to v2) and ratings. */
const MESH = {
  "reviews/service.yaml": service("reviews"),
  "reviews/deployment.yaml": `${deployment("reviews-v1", "reviews", "{ app: reviews, version: v1 }", "reviews:1")}---\n${deployment("reviews-v2", "reviews", "{ app: reviews, version: v2 }", "reviews:2")}`,
  "reviews/destination-rule.yaml": `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
`,
  "routing/virtual-service.yaml": `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
    - route:
        - { destination: { host: reviews, subset: v2 } }
`,
  "ratings/policy.yaml": `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: reviews, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews } }
  action: ALLOW
  rules:
    - from: [{ source: { principals: [cluster.local/ns/shop/sa/ratings] } }]
`,
  "ratings/all.yaml": `${service("ratings")}---\n${deployment("ratings", "ratings", "{ app: ratings }", "ratings:1")}`,
};

/** kubectl with Kustomize v5, for the rendered case (skipped without it, as in test/render). */
const kubectl = hasKustomize5();

describe("--cache keeps rule checks", () => {
  /** Each step changes the repository, then a run without the cache and one with it must give the same bytes. */
  /** A step whose name starts with "=" changes nothing a run reports (the cache must still notice what it changed). */
  async function steps(repo: string, changes: [string, () => void][]) {
    const cacheArgs = ["--cache", "--cache-location", join(outputFolder(), "cache")];
    let previous = await lintAll(repo, []);
    expectSame(previous, await lintAll(repo, cacheArgs), "cold");
    for (const [what, change] of changes) {
      change();
      const plain = await lintAll(repo, []);
      if (what.startsWith("=")) expect(plain.outputs.json, what).toBe(previous.outputs.json);
      else expect(plain.outputs.json, `${what} changes the findings`).not.toBe(previous.outputs.json);
      expectSame(plain, await lintAll(repo, cacheArgs), what);
      expectSame(plain, await lintAll(repo, cacheArgs), `${what}, warm`);
      previous = plain;
    }
  }
  const edit = (repo: string, file: string, from: string | RegExp, to: string) => () => {
    const text = readFileSync(join(repo, file), "utf8");
    expect(text.replace(from, to), `${file} holds ${String(from)}`).not.toBe(text);
    writeFileSync(join(repo, file), text.replace(from, to));
  };

  it("reports what a change breaks or fixes in another, unchanged file, as a run without the cache does", async () => {
    const repo = tempRepo(MESH);
    await steps(repo, [
      // The subset the VirtualService routes to goes: the unchanged VirtualService is now wrong.
      ["a DestinationRule subset removed", edit(repo, "reviews/destination-rule.yaml", "    - { name: v2, labels: { version: v2 } }\n", "")],
      ["a comment moves the unchanged VirtualService's finding", edit(repo, "routing/virtual-service.yaml", /^/, "# moved\n# down\n")],
      ["the subset back", edit(repo, "reviews/destination-rule.yaml", "    - { name: v1, labels: { version: v1 } }\n", "    - { name: v1, labels: { version: v1 } }\n    - { name: v2, labels: { version: v2 } }\n")],
      ["= a Deployment's replicas changed", edit(repo, "ratings/all.yaml", "spec:\n  selector: { matchLabels", "spec:\n  replicas: 3\n  selector: { matchLabels")],
      // The callers an AuthorizationPolicy admits: the unchanged policy's principal now names a workload's account.
      ["a Deployment's service account changed", edit(repo, "ratings/all.yaml", "    spec:\n      containers: [{ name: ratings", "    spec:\n      serviceAccountName: ratings\n      containers: [{ name: ratings")],
      ["a ServiceAccount added", () => writeFileSync(join(repo, "ratings/account.yaml"), "apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: ratings, namespace: shop }\n")],
      // The first of two definitions moves down its file: the other's finding names its line.
      ["an object defined twice", () => writeFileSync(join(repo, "routing/copy.yaml"), MESH["reviews/service.yaml"])],
      ["its first definition moved down", edit(repo, "reviews/service.yaml", /^/, "# the reviews service\n\n")],
      ["the copy removed", () => rmSync(join(repo, "routing/copy.yaml"))],
      ["a Service deleted", () => rmSync(join(repo, "reviews/service.yaml"))],
      ["the Service added back", () => writeFileSync(join(repo, "reviews/service.yaml"), MESH["reviews/service.yaml"])],
      ["a file added", () => writeFileSync(join(repo, "routing/ratings.yaml"), MESH["routing/virtual-service.yaml"].replaceAll("reviews", "ratings").replace("subset: v2", "subset: v9"))],
      ["a Deployment's labels changed", edit(repo, "reviews/deployment.yaml", "labels: { app: reviews, version: v2 } }\n    spec", "labels: { app: reviews, version: v3 } }\n    spec")],
      ["a file removed", () => rmSync(join(repo, "routing/ratings.yaml"))],
      ["the configuration changed", () => writeFileSync(join(repo, ".meshlint.yaml"), "rules:\n  istio: off\n")],
      [
        "a CRD added",
        () => {
          mkdirSync(join(repo, "crd"));
          writeFileSync(join(repo, "crd/canary-crd.yaml"), CRD(100));
          writeFileSync(join(repo, "crd/canary.yaml"), CANARY);
        },
      ],
      ["the CRD changed", () => writeFileSync(join(repo, "crd/canary-crd.yaml"), CRD(200))],
    ]);
  });

  it("reports the configuration's access assertions on every run (their findings name no object of the index)", async () => {
    const access = `access:
  - { from: shop/sa/ghost, to: shop/reviews:9080, expect: deny }
  - { name: ratings-closed, from: shop/sa/default, to: shop/ratings:9080, expect: deny }
`;
    const repo = tempRepo({ ...MESH, ".meshlint.yaml": access });
    expect((await lintAll(repo, [])).outputs.json).toContain("access-assertion-failed");
    await steps(repo, [
      ["= a Deployment's replicas changed", edit(repo, "ratings/all.yaml", "spec:\n  selector: { matchLabels", "spec:\n  replicas: 3\n  selector: { matchLabels")],
      ["the caller's account added", () => writeFileSync(join(repo, "ratings/ghost.yaml"), MESH["ratings/all.yaml"].replaceAll("ratings", "ghost").replace("    spec:\n", "    spec:\n      serviceAccountName: ghost\n"))],
    ]);
  });

  it("tells unchanged files by their metadata, and notices every edit that keeps the size or even sets the mtime back", async () => {
    const repo = tempRepo({
      ...MESH,
      // A kept file whose directive silences a finding: its text is read for that alone.
      "routing/ratings.yaml": `# meshlint-disable-next-line virtualservice-subset-not-found\n${MESH["routing/virtual-service.yaml"].replaceAll("reviews", "ratings").replace("subset: v2", "subset: v8")}`,
    });
    // Files are trusted by their metadata only when their times are two seconds old (see Metadata in run-cache.ts).
    passTrustTime();
    const cacheFile = join(outputFolder(), "cache");
    const cacheArgs = ["--cache", "--cache-location", cacheFile];
    expectSame(await lintAll(repo, []), await lintAll(repo, cacheArgs), "cold");
    expect(readFileSync(cacheFile, "utf8")).toMatch(/\nF\[.*reviews\/destination-rule\.yaml"/);
    expectSame(await lintAll(repo, []), await lintAll(repo, cacheArgs), "warm, nothing read again");
    const file = join(repo, "routing/virtual-service.yaml");
    const { atime, mtime } = statSync(file);
    // The same size, and the old mtime set back (Node sets it to the microsecond; a tool that restores it to the
    // nanosecond is told by the ctime, which no program can set back).
    writeFileSync(file, readFileSync(file, "utf8").replace("subset: v2", "subset: v7"));
    utimesSync(file, atime, mtime);
    const edited = await lintAll(repo, []);
    expect(edited.outputs.json).toContain('Subset \\"v7\\"');
    expectSame(edited, await lintAll(repo, cacheArgs), "an edit of the same size, the mtime set back");
    // Replaced by another file (an editor's save): another inode.
    writeFileSync(`${file}.new`, MESH["routing/virtual-service.yaml"]);
    renameSync(`${file}.new`, file);
    const replaced = await lintAll(repo, []);
    expect(replaced.outputs.json).not.toContain('Subset \\"v7\\"');
    expectSame(replaced, await lintAll(repo, cacheArgs), "replaced");
    expectSame(replaced, await lintAll(repo, cacheArgs), "replaced, warm");
  });

  it.skipIf(process.platform !== "linux")("notices an edit whose mtime is set back to the nanosecond, by the ctime alone, once both times are old", async () => {
    const repo = tempRepo(MESH);
    passTrustTime();
    const cacheArgs = ["--cache", "--cache-location", join(outputFolder(), "cache")];
    expectSame(await lintAll(repo, []), await lintAll(repo, cacheArgs), "cold");
    const file = join(repo, "routing/virtual-service.yaml");
    const { mtimeNs } = statSync(file, { bigint: true });
    writeFileSync(file, readFileSync(file, "utf8").replace("subset: v2", "subset: v7"));
    // GNU touch restores the old mtime to the nanosecond (Node's utimes only to the microsecond, which the mtime
    // comparison would catch); the time passed makes the new ctime old enough to be trusted, so only comparing it tells.
    execFileSync("touch", ["-m", "-d", `@${mtimeNs / 1_000_000_000n}.${String(mtimeNs % 1_000_000_000n).padStart(9, "0")}`, file]);
    expect(statSync(file, { bigint: true }).mtimeNs).toBe(mtimeNs);
    passTrustTime();
    const edited = await lintAll(repo, []);
    expect(edited.outputs.json).toContain('Subset \\"v7\\"');
    expectSame(edited, await lintAll(repo, cacheArgs), "an edit with its mtime restored exactly");
  });

  it("drops the checks of an object another one took the place of (the same document), of its kind or another", async () => {
    const foreign = foreignTargets();
    const file = "routing/virtual-service.yaml";
    const route = (host: string, subset: string) => MESH[file].replaceAll("reviews", host).replace("subset: v2", `subset: ${subset}`);
    const repo = tempRepo({ ...MESH, [file]: route("reviews", "v9") });
    const put = (text: string) => () => writeFileSync(join(repo, file), text);
    await steps(repo, [
      ["another VirtualService at its place", put(route("ratings", "v8"))],
      ["a Deployment at its place", put(deployment("web", "web", "{ app: web }", "web:1"))],
      ["a VirtualService at the Deployment's place", put(route("reviews", "v9"))],
    ]);
    // The bytes alone cannot tell a replaced object's kept check walked as its successor's: its reports name the
    // replaced object, so it runs again, on the successor: for one of its kind, a duplicate (its findings are shown
    // once); for one of another kind, a rule on a kind it does not target.
    expect(foreign).toEqual([]);
  });

  it("re-runs only the checks a change can alter", async () => {
    const repo = tempRepo(MESH);
    const { cache } = RunCache.open(join(outputFolder(), "cache"));
    const run = async () => {
      const r = await lint(["."], { cwd: repo, cache });
      return { diagnostics: JSON.stringify(r.diagnostics), stats: cache.lastRun! };
    };
    const cold = await run();
    expect(cold.stats).toMatchObject({ reused: 0, fullRun: "nothing kept" });
    expect((await run()).stats).toEqual({ ran: 0, reused: cold.stats.ran });
    edit(repo, "reviews/destination-rule.yaml", "    - { name: v2, labels: { version: v2 } }\n", "")();
    const changed = await run();
    expect(changed.diagnostics).toBe(JSON.stringify((await lint(["."], { cwd: repo })).diagnostics));
    expect(changed.diagnostics).toContain("virtualservice-subset-not-found");
    // The DestinationRule's own checks, and those that read it (the VirtualService's), ran again; the rest did not.
    expect(changed.stats.ran).toBeGreaterThan(0);
    expect(changed.stats.reused).toBeGreaterThan(changed.stats.ran);
    expect(changed.stats.ran + changed.stats.reused).toBe(cold.stats.ran);
  });

  it("is not reused by another build of the same version", async () => {
    const repo = tempRepo(MESH);
    const file = join(outputFolder(), "cache");
    const first = RunCache.open(file).cache;
    await lint(["."], { cwd: repo, cache: first });
    first.save();
    writeFileSync(file, readFileSync(file, "utf8").replace('"build":"source"', '"build":"another"'));
    const second = RunCache.open(file);
    expect(second.problem).toBeUndefined();
    await lint(["."], { cwd: repo, cache: second.cache });
    expect(second.cache.lastRun).toMatchObject({ reused: 0, fullRun: "nothing kept" });
  });

  it.runIf(kubectl)("gives the same bytes when a rendered Kustomize source changes", async () => {
    const repo = tempRepo(MESH);
    cpSync(join(ROOT, "fixtures", "repos", "gitops-kustomize"), join(repo, "gitops"), { recursive: true });
    await steps(repo, [
      ["an overlay's route fixed", edit(repo, "gitops/overlays/prod/canary.yaml", "subset: v3", "subset: v2")],
      ["a plain DestinationRule subset removed", edit(repo, "reviews/destination-rule.yaml", "    - { name: v2, labels: { version: v2 } }\n", "")],
    ]);
  });
});

describe("--cache reads an unchanged file's text only for its findings", () => {
  it("copies the entries of unchanged files from the file it read, and writes them out if another run replaced it meanwhile", async () => {
    const repo = tempRepo(MESH);
    const cacheFile = join(outputFolder(), "cache");
    const run = async (meanwhile?: () => void) => {
      const { cache, problem } = RunCache.open(cacheFile);
      expect(problem).toBeUndefined();
      await lint(["."], { cwd: repo, cache });
      meanwhile?.();
      expect(cache.save()).toBeUndefined();
    };
    const entryLines = () => readFileSync(cacheFile, "utf8").split("\n").filter((line) => line.startsWith("E")).sort();
    await run();
    const written = entryLines();
    const file = join(repo, "routing/virtual-service.yaml");
    // A change that moves no finding: only this file's entry is written anew.
    writeFileSync(file, MESH["routing/virtual-service.yaml"].replace("namespace: shop }", "namespace: shop, labels: { edited: yes } }"));
    await run();
    expect(entryLines().filter((line) => written.includes(line))).toHaveLength(written.length - 1);
    writeFileSync(file, MESH["routing/virtual-service.yaml"]);
    // Another run writes the cache while this one runs, with other entries where this run read its own (here: the
    // same lines under other keys): copied from that file, this run's entries would go under those keys.
    await run(() => {
      const lines = readFileSync(cacheFile, "utf8").split("\n");
      writeFileSync(cacheFile, lines.map((line) => (line.startsWith("E") ? `E${[...line.slice(1, 65)].reverse().join("")}${line.slice(65)}` : line)).join("\n"));
    });
    expect(entryLines()).toEqual(written);
    // A finding newly placed in an unchanged file (its subset removed elsewhere): its range is kept with the file.
    const rangesOf = (name: string) => Object.keys((JSON.parse(entryLines().find((line) => line.includes(`{"file":"${name}"`))!.slice(65)) as { ranges?: object }).ranges ?? {}).length;
    const before = rangesOf("routing/virtual-service.yaml");
    writeFileSync(join(repo, "reviews/destination-rule.yaml"), MESH["reviews/destination-rule.yaml"].replace("    - { name: v2, labels: { version: v2 } }\n", ""));
    await run();
    expect(rangesOf("routing/virtual-service.yaml")).toBeGreaterThan(before);
  });

  it("gives a finding in a file edited while meshlint ran no position, rather than one read from the new text", async () => {
    const file = "routing/virtual-service.yaml";
    const text = MESH[file].replace("subset: v2", "subset: v9");
    const repo = tempRepo({ ...MESH, [file]: text });
    // A rule that edits the file while the rules run: after it was loaded, before its findings are placed. It runs
    // first (rules run one after another), so that no other rule has read the file's positions before the edit.
    let edit: (() => void) | undefined;
    const midRun = defineRule({
      meta: { id: "test-edits-mid-run", area: "kubernetes", category: "correctness", severity: "info", description: "Edits a file while meshlint runs.", messages: {} },
      target: [K.VirtualService],
      reads: [],
      check() {
        edit?.();
        edit = undefined;
      },
    });
    const catalog = new RuleCatalog([midRun, ...RULES]);
    const subsetFinding = async (options: LintOptions, edited: boolean) => {
      if (edited) edit = () => writeFileSync(join(repo, file), `# edited\n# while meshlint ran\n${text}`);
      const { diagnostics } = await lint(["."], { cwd: repo, catalog, ...options });
      if (edited) writeFileSync(join(repo, file), text);
      const found = diagnostics.find((d) => d.ruleId === "virtualservice-subset-not-found");
      return { file: found?.file, line: found?.span?.line };
    };
    expect(await subsetFinding({}, false)).toEqual({ file, line: 8 });
    // Without the cache, the file's text was dropped once parsed, and is read again for the finding's position: the
    // edited text would place it on line 10, two lines below where the linted text has it.
    expect(await subsetFinding({}, true)).toEqual({ file, line: undefined });
    // With the cache, the file is not read at all (unchanged by its metadata, trusted once its times are two seconds
    // old); its text is read for the finding's position only.
    passTrustTime();
    const { cache } = RunCache.open(join(outputFolder(), "cache"));
    expect(await subsetFinding({ cache }, false)).toEqual({ file, line: 8 });
    expect(await subsetFinding({ cache }, true)).toEqual({ file, line: undefined });
  });
});

/**
 * Moves the clock (Date, which a run asks when it looks at a file) three seconds on for the rest of the test, as
 * waiting would: the files' times are then old enough for a run to trust their metadata (see Metadata in
 * src/project/run-cache.ts). The clock keeps running from there.
 */
function passTrustTime(): void {
  if (!vi.isFakeTimers()) {
    vi.useFakeTimers({ toFake: ["Date"], shouldAdvanceTime: true });
    onTestFinished(() => void vi.useRealTimers());
  }
  vi.setSystemTime(Date.now() + 3_000);
}

/**
 * Watches every built-in resource rule's checks until the test finishes: the list fills with the checks that ran on
 * an object of a kind their rule does not target.
 */
function foreignTargets(): string[] {
  const foreign: string[] = [];
  for (const rule of RULES) {
    if (!isResourceRule(rule)) continue;
    const check = rule.check.bind(rule);
    const spy = vi.spyOn(rule, "check").mockImplementation((target, ctx) => {
      if (!rule.target.some((k) => k === ANY_KIND || (k.kind === target.kind && k.group === target.group))) foreign.push(`${rule.meta.id} on a ${target.kind}`);
      check(target, ctx);
    });
    onTestFinished(() => void spy.mockRestore());
  }
  return foreign;
}

function version(): string {
  return String((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version);
}
