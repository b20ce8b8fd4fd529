import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { ROOT } from "../helpers/fixtures.js";
import { tempRepo } from "../helpers/temp-repo.js";
import { SERVICE_YAML, git, routeYaml } from "./world.js";
import { listOf } from "../../src/action/main.js";

const ACTION = parse(readFileSync(join(ROOT, "action.yml"), "utf8")) as {
  runs: { using: string; main: string };
  inputs: Record<string, { default?: string }>;
};

/**
 * Runs the committed bundle the way the runner does: `node <runs.main>` in the workspace, every input as an
 * INPUT_<NAME> variable (the name upper-cased, hyphens kept; defaults from action.yml filled in as the runner
 * does), and the step summary and outputs as files. Each run spawns the bundle, which takes seconds on a loaded
 * machine: tests that run it many times get a longer timeout.
 */
function runAction(workspace: string, inputs: Record<string, string>, extraEnv: Record<string, string> = {}) {
  const runner = tempRepo({ "summary.md": "", "output.txt": "" });
  const summary = join(runner, "summary.md");
  const output = join(runner, "output.txt");
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    GITHUB_ACTIONS: "true",
    GITHUB_WORKSPACE: workspace,
    GITHUB_STEP_SUMMARY: summary,
    GITHUB_OUTPUT: output,
    GITHUB_SERVER_URL: "https://github.com",
    GITHUB_REPOSITORY: "octo/mesh",
    GITHUB_SHA: "0123456789abcdef",
    ...extraEnv,
  };
  for (const [name, spec] of Object.entries(ACTION.inputs)) env[`INPUT_${name.toUpperCase()}`] = inputs[name] ?? spec.default ?? "";
  const r = spawnSync(process.execPath, [join(ROOT, ACTION.runs.main)], { cwd: workspace, env, encoding: "utf8" });
  return {
    status: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    summary: readFileSync(summary, "utf8"),
    outputs: parseOutputs(readFileSync(output, "utf8")),
  };
}

/** GITHUB_OUTPUT's `name<<delimiter` blocks. */
function parseOutputs(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]!] = m[3]!;
  return out;
}

describe("the GitHub Action", () => {
  it("is a node24 action whose main is the committed bundle", () => {
    expect(ACTION.runs.using).toBe("node24");
    expect(ACTION.runs.main).toBe("dist-action/index.js");
    expect(Object.keys(ACTION.inputs).sort()).toEqual([
      "allow-empty",
      "annotate",
      "cache",
      "cache-location",
      "changed-since",
      "config",
      "crds",
      "fail-on",
      "gateway-api-channel",
      "max-warnings",
      "mesh-config",
      "namespace",
      "paths",
      "sarif-file",
    ]);
    expect(ACTION.inputs.paths?.default).toBe(".");
    expect(ACTION.inputs.annotate?.default).toBe("true");
  });

  it("with cache: true keeps .meshlintcache (or cache-location) and reports the same", () => {
    const workspace = tempRepo({ "deploy/service.yaml": SERVICE_YAML, "deploy/vs.yaml": routeYaml("v2") });
    const plain = runAction(workspace, {});
    const cold = runAction(workspace, { cache: "true" });
    expect(readFileSync(join(workspace, ".meshlintcache"), "utf8")).toMatch(/^\{"meshlintCache":/);
    const warm = runAction(workspace, { cache: "true" });
    for (const r of [cold, warm]) {
      expect(r.status, r.stderr).toBe(plain.status);
      expect(r.stdout).toBe(plain.stdout);
      expect(r.summary).toBe(plain.summary);
    }
    writeFileSync(join(workspace, "elsewhere"), "not a cache");
    const foreign = runAction(workspace, { cache: "true", "cache-location": "elsewhere" });
    expect(foreign.stdout).toContain("::warning::meshlint: ");
    expect(foreign.stdout).toContain("is not a meshlint cache");
    expect(readFileSync(join(workspace, "elsewhere"), "utf8")).toBe("not a cache");
  }, 120_000);

  it("annotates, writes the job summary, the SARIF file and the outputs, and fails on an error", () => {
    const workspace = tempRepo({ "deploy/service.yaml": SERVICE_YAML, "deploy/vs.yaml": routeYaml("v2") });
    const r = runAction(workspace, { "sarif-file": "results/meshlint.sarif" });
    expect(r.status, r.stderr).toBe(1);
    // The annotation, with file, line, end line, columns and title = rule id.
    expect(r.stdout).toMatch(
      /^::error title=virtualservice-subset-not-found,file=deploy\/vs\.yaml,line=8,endLine=8,col=45,endColumn=47::Subset "v2" is not defined/m,
    );
    expect(r.stdout).toMatch(/^::error::meshlint: .*1 error.*\(fail-on: error\)$/m);
    // The job summary: a table with a link to the line and to the rule's documentation.
    expect(r.summary).toContain("<h2>meshlint</h2>");
    expect(r.summary).toContain('<a href="https://github.com/octo/mesh/blob/0123456789abcdef/deploy/vs.yaml#L8"><code>deploy/vs.yaml:8:45</code></a>');
    expect(r.summary).toMatch(/<a href="https:\/\/github\.com\/meshlint\/meshlint\/blob\/main\/rules\/istio\/virtualservice-subset-not-found\.md">/);
    // SARIF for upload-sarif, and the outputs.
    const sarif = JSON.parse(readFileSync(join(workspace, "results", "meshlint.sarif"), "utf8"));
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("deploy/vs.yaml");
    expect(r.outputs).toMatchObject({ errors: "1", warnings: "0", infos: "0", "sarif-file": join(workspace, "results", "meshlint.sarif") });
  });

  it("passes on a clean workspace", () => {
    const clean = tempRepo({ "service.yaml": SERVICE_YAML, "vs.yaml": routeYaml("v1") });
    const ok = runAction(clean, {});
    expect(ok.status, ok.stdout).toBe(0);
    expect(ok.summary).toContain("No findings.");
  });

  it("follows fail-on and annotate", () => {
    const broken = tempRepo({ "service.yaml": SERVICE_YAML, "vs.yaml": routeYaml("v2") });
    const lenient = runAction(broken, { "fail-on": "none", annotate: "false" });
    expect(lenient.status).toBe(0);
    expect(lenient.stdout).not.toMatch(/^::error/m);
    expect(lenient.summary).toContain("virtualservice-subset-not-found");
  });

  it("annotates ten of a kind and says how many more are only in the summary", () => {
    const routes = Array.from({ length: 12 }, (_, i) => routeYaml(`v${i + 10}`, `r${i}`)).join("---\n");
    const workspace = tempRepo({ "service.yaml": SERVICE_YAML, "vs.yaml": routes });
    const r = runAction(workspace, {});
    expect(r.stdout.match(/^::error title=/gm)).toHaveLength(10);
    expect(r.stdout).toMatch(/^::notice title=meshlint::2 more findings are not annotated/m);
    expect(r.summary.match(/<tr>/g)).toHaveLength(13);
  });

  it("a bad input fails the step with a message", () => {
    const r = runAction(tempRepo({ "a.yaml": "a: 1\n" }), { "fail-on": "sometimes" });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^::error::meshlint: fail-on must be one of/m);
    // `-` linted the step's empty standard input and passed.
    const stdin = runAction(tempRepo({ "a.yaml": "a: 1\n" }), { paths: "-", "allow-empty": "true" });
    expect(stdin.status).toBe(1);
    expect(stdin.stdout).toMatch(/^::error::meshlint: paths: - \(standard input\) cannot be read in the Action/m);
  });

  it("reads paths that hold spaces, one per line or quoted", () => {
    const workspace = tempRepo({
      "my deploy/service.yaml": SERVICE_YAML,
      "my deploy/vs.yaml": routeYaml("v2"),
      "other dir/cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\n",
    });
    for (const paths of ["my deploy\nother dir\n", `"my deploy" 'other dir'`]) {
      const r = runAction(workspace, { paths });
      expect(r.stdout, paths).not.toContain("no such file");
      expect(r.outputs.errors, paths).toBe("1");
      expect(r.stdout, paths).toContain("my deploy/vs.yaml");
      expect(r.stdout, paths).toMatch(/in 3 files/);
    }
    expect(listOf(" a  b\tc ")).toEqual(["a", "b", "c"]);
    expect(listOf("a b\r\n  c d  \n\n")).toEqual(["a b", "c d"]);
  }, 60_000);

  it("on a pull request, judges the change against its base: the unchanged route it broke, not the old mistake", () => {
    const workspace = tempRepo({ "mesh/service.yaml": SERVICE_YAML, "mesh/route.yaml": routeYaml("v1"), "mesh/old.yaml": routeYaml("v5", "old") });
    git(workspace, "init", "-q");
    git(workspace, "add", "-A");
    git(workspace, "commit", "-qm", "base");
    const base = git(workspace, "rev-parse", "HEAD").trim();
    writeFileSync(join(workspace, "mesh/service.yaml"), SERVICE_YAML.replace("  subsets: [{ name: v1, labels: { version: v1 } }]\n", ""));
    git(workspace, "commit", "-qam", "drop subset v1");
    const runner = tempRepo({ "event.json": JSON.stringify({ pull_request: { base: { sha: base } } }) });
    const pr = { GITHUB_EVENT_NAME: "pull_request", GITHUB_EVENT_PATH: join(runner, "event.json") };
    const r = runAction(workspace, {}, pr);
    expect(r.status, r.stdout).toBe(1);
    expect(r.stdout).toContain(`Judging the change since ${base}`);
    expect(r.stdout.match(/^::error title=/gm)).toHaveLength(1);
    expect(r.stdout).toMatch(/^::error title=virtualservice-subset-not-found,file=mesh\/route\.yaml,line=8,/m);
    expect(r.outputs).toMatchObject({ errors: "1" });
    // "none" lints everything: the old mistake too.
    const all = runAction(workspace, { "changed-since": "none" }, pr);
    expect(all.stdout.match(/^::error title=/gm)).toHaveLength(2);
    // A push lints everything; a ref that names nothing (and cannot be fetched) fails the step saying so.
    expect(runAction(workspace, {}).stdout.match(/^::error title=/gm)).toHaveLength(2);
    const bad = runAction(workspace, { "changed-since": "no-such-ref" });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^::error::meshlint: changed-since no-such-ref: .*fetch-depth: 0/m);
  }, 180_000);

  it("passes mesh-config, crds, gateway-api-channel and max-warnings on, and fails a step that read nothing", () => {
    const workspace = tempRepo({ "service.yaml": SERVICE_YAML, "vs.yaml": routeYaml("v1"), "notes/readme.txt": "x\n" });
    const bad = runAction(workspace, { "gateway-api-channel": "beta" });
    expect(bad.stdout).toMatch(/^::error::meshlint: gateway-api-channel must be "standard" or "experimental"/m);
    expect(runAction(workspace, { "mesh-config": "missing.yaml" }).stdout).toMatch(/^::error::meshlint: .*missing\.yaml/m);
    expect(runAction(workspace, { "max-warnings": "many" }).stdout).toMatch(/^::error::meshlint: max-warnings must be a whole number/m);
    // A TCPRoute v1alpha2: an error under the standard channel; under the experimental one, a warning (deprecated;
    // its Gateway, in a namespace where the repository keeps none, is the platform's: an info).
    const tcp = tempRepo({
      "tcp.yaml": `apiVersion: gateway.networking.k8s.io/v1alpha2
kind: TCPRoute
metadata: { name: db, namespace: shop }
spec:
  parentRefs: [{ name: gw }]
  rules: [{ backendRefs: [{ name: db, port: 5432 }] }]
`,
    });
    expect(runAction(tcp, { "gateway-api-channel": "standard" }).stdout).toMatch(/^::error title=api-version-not-served,/m);
    const experimental = runAction(tcp, { "gateway-api-channel": "experimental" });
    expect(experimental.status, experimental.stdout).toBe(0);
    expect(experimental.outputs).toMatchObject({ errors: "0", warnings: "1" });
    const strict = runAction(tcp, { "gateway-api-channel": "experimental", "max-warnings": "0" });
    expect(strict.status).toBe(1);
    expect(strict.stdout).toMatch(/^::error::meshlint: .*\(max-warnings: 0\)$/m);
    // Nothing read: the step fails unless allow-empty.
    const empty = runAction(workspace, { paths: "notes" });
    expect(empty.status).toBe(1);
    expect(empty.stdout).toMatch(/^::error::meshlint: no manifest was read/m);
    expect(runAction(workspace, { paths: "notes", "allow-empty": "true" }).status).toBe(0);
  }, 180_000);
});
