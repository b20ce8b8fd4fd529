import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { tempRepo } from "../helpers/temp-repo.js";
import { SERVICE_YAML, cli, git, routeYaml } from "./world.js";

/** A staged-style file: a route to host web (defined elsewhere) beside a Service and DestinationRule of its own. */
const STAGED = `${routeYaml("v1")}---
apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80 }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec: { host: api }
`;

function repo(files: Record<string, string>): string {
  const dir = tempRepo(files);
  git(dir, "init", "-q");
  git(dir, "add", "-A");
  git(dir, "commit", "-qm", "base");
  return dir;
}

const files = (out: string) => [...new Set(JSON.parse(out).diagnostics.map((d: { file: string }) => d.file))];

describe("--repo-context", () => {
  it("reads the whole repository but reports only in the named files", async () => {
    const dir = repo({ "mesh/service.yaml": SERVICE_YAML, "mesh/old.yaml": routeYaml("v5", "old") });
    writeFileSync(join(dir, "mesh/vs.yaml"), STAGED);
    // Alone, the file's references look broken (the repository holds Services and DestinationRules, just not here).
    const alone = await cli(["-f", "json", "mesh/vs.yaml"], dir);
    expect(alone.code).toBe(1);
    // With the repository as context, it is clean; the old mistake elsewhere is not reported.
    const withContext = await cli(["-f", "json", "--repo-context", "mesh/vs.yaml"], dir);
    expect(files(withContext.out)).toEqual([]);
    expect(withContext.code).toBe(0);
    // A real mistake in the named file is found.
    writeFileSync(join(dir, "mesh/vs.yaml"), STAGED.replace("subset: v1", "subset: v9"));
    const broken = await cli(["-f", "json", "--repo-context", "mesh/vs.yaml"], dir);
    expect(broken.code).toBe(1);
    expect(files(broken.out)).toEqual(["mesh/vs.yaml"]);
  });

  it("leaves out what .gitignore, .meshlintignore and the config's ignore globs exclude", async () => {
    const dir = repo({
      ".gitignore": "build/\n",
      ".meshlintignore": "vendor/\n",
      ".meshlint.yaml": "ignore: [generated/**]\n",
      "mesh/service.yaml": SERVICE_YAML,
      "build/a.yaml": routeYaml("v5", "a"),
      "vendor/b.yaml": routeYaml("v5", "b"),
      "generated/c.yaml": routeYaml("v5", "c"),
    });
    const r = await cli(["-f", "json", "--repo-context", "."], dir);
    expect(JSON.parse(r.out).summary.files).toBe(1);
    expect(r.code).toBe(0);
  });
});

describe("--changed-since", () => {
  it("reports the findings the change introduced (committed, modified or new files), not the old ones", async () => {
    const dir = repo({ "mesh/service.yaml": SERVICE_YAML, "mesh/old.yaml": routeYaml("v5", "old") });
    git(dir, "checkout", "-qb", "feature");
    writeFileSync(join(dir, "mesh/committed.yaml"), routeYaml("v6", "committed"));
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "feature");
    writeFileSync(join(dir, "mesh/new.yaml"), routeYaml("v7", "new"));
    writeFileSync(join(dir, "mesh/good.yaml"), routeYaml("v1", "good"));
    const r = await cli(["-f", "json", "--changed-since", "main", "."], dir);
    expect(files(r.out)).toEqual(["mesh/committed.yaml", "mesh/new.yaml"]);
    expect(JSON.parse(r.out).summary.resources).toBe(7);
    // Nothing changed since HEAD but the untracked files.
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "more");
    const none = await cli(["-f", "json", "--changed-since", "HEAD", "."], dir);
    expect(files(none.out)).toEqual([]);
    expect(none.code).toBe(0);
  });

  it("a ref that names no commit, or no Git repository, is a usage error", async () => {
    const dir = repo({ "mesh/service.yaml": SERVICE_YAML });
    const bad = await cli(["--changed-since", "no-such-branch", "."], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain('"no-such-branch" names no commit');
    expect((await cli(["--changed-since", "main", "-"], dir)).code).toBe(2);
    const outside = tempRepo({ "service.yaml": SERVICE_YAML });
    const notGit = await cli(["--changed-since", "HEAD", "."], outside);
    expect(notGit.code).toBe(2);
    expect(notGit.err).toContain("not inside a Git work tree");
  });

  it("says git is missing, not that the folder is no work tree, where git cannot be run (meshlint's image)", async () => {
    const dir = repo({ "mesh/service.yaml": SERVICE_YAML });
    const path = process.env.PATH;
    process.env.PATH = tempRepo({});
    try {
      const r = await cli(["--changed-since", "HEAD", "."], dir);
      expect(r.code).toBe(2);
      expect(r.err).toContain("git is not installed");
    } finally {
      process.env.PATH = path;
    }
  });

  it("reports an unchanged route broken by a commit that deleted the subset it names", async () => {
    const dir = repo({ "mesh/service.yaml": SERVICE_YAML, "mesh/route.yaml": routeYaml("v1") });
    writeFileSync(join(dir, "mesh/service.yaml"), SERVICE_YAML.replace("  subsets: [{ name: v1, labels: { version: v1 } }]\n", ""));
    git(dir, "commit", "-qam", "drop subset v1");
    const r = await cli(["-f", "json", "--changed-since", "HEAD~1"], dir);
    expect(r.code).toBe(1);
    const found = JSON.parse(r.out).diagnostics as { file: string; line: number; ruleId: string }[];
    expect(found.map((d) => `${d.file}:${d.line}`)).toEqual(["mesh/route.yaml:8"]);
    // The same finding, from a folder below the top: paths name the same files on both sides.
    const below = await cli(["-f", "json", "--changed-since", "HEAD~1", "."], join(dir, "mesh"));
    expect(JSON.parse(below.out).diagnostics.map((d: { file: string }) => d.file)).toEqual(["route.yaml"]);
    // The full lint reports it too; with the change judged against itself, nothing is new.
    expect((await cli(["--changed-since", "HEAD"], dir)).code).toBe(0);
  });

  it("reports what deleting a file breaks", async () => {
    const [service, deployment, rule] = SERVICE_YAML.split("---\n");
    const dir = repo({ "mesh/service.yaml": `${service}---\n${deployment}`, "mesh/dr.yaml": rule!, "mesh/route.yaml": routeYaml("v1") });
    git(dir, "rm", "-q", "mesh/dr.yaml");
    const r = await cli(["-f", "json", "--changed-since", "HEAD"], dir);
    expect(files(r.out)).toEqual(["mesh/route.yaml"]);
    expect(r.code).toBe(1);
  });

  it("old findings whose lines moved are not new (resource-duplicate's message names a line)", async () => {
    const dir = repo({
      "mesh/service.yaml": SERVICE_YAML,
      "mesh/old.yaml": routeYaml("v5", "old"),
      "mesh/dup-a.yaml": routeYaml("v1", "dup"),
      "mesh/dup-b.yaml": routeYaml("v1", "dup"),
    });
    const before = JSON.parse((await cli(["-f", "json"], dir)).out);
    expect(before.diagnostics.map((d: { ruleId: string }) => d.ruleId)).toContain("resource-duplicate");
    writeFileSync(join(dir, "mesh/old.yaml"), `# a\n# b\n# c\n${routeYaml("v5", "old")}`);
    writeFileSync(join(dir, "mesh/dup-a.yaml"), `# moved\n${routeYaml("v1", "dup")}`);
    const r = await cli(["-f", "json", "--changed-since", "HEAD"], dir);
    const out = JSON.parse(r.out);
    expect(out.diagnostics).toEqual([]);
    expect(out.summary.change).toEqual({ since: "HEAD", unchanged: before.diagnostics.length });
    expect(r.code).toBe(0);
  });
});

describe("--staged", () => {
  it("judges what the commit would record against HEAD, leaving unstaged edits out", async () => {
    const dir = repo({ "mesh/service.yaml": SERVICE_YAML, "mesh/route.yaml": routeYaml("v1"), "notes.txt": "x\n" });
    // An unstaged mistake is not part of the commit.
    writeFileSync(join(dir, "mesh/route.yaml"), routeYaml("v8"));
    const clean = await cli(["-f", "json", "--staged"], dir);
    expect(clean.code).toBe(0);
    // Staging a commit that touches no manifest returns at once.
    writeFileSync(join(dir, "notes.txt"), "y\n");
    git(dir, "add", "notes.txt");
    const untouched = await cli(["--staged"], dir);
    expect(untouched.code).toBe(0);
    expect(untouched.err).toContain("nothing staged that meshlint reads");
    // Staging the deletion of the subset breaks the (unchanged, as staged) route.
    git(dir, "checkout", "--", "mesh/route.yaml");
    writeFileSync(join(dir, "mesh/service.yaml"), SERVICE_YAML.replace("  subsets: [{ name: v1, labels: { version: v1 } }]\n", ""));
    git(dir, "add", "mesh/service.yaml");
    const broken = await cli(["-f", "json", "--staged"], dir);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.out).diagnostics.map((d: { file: string; line: number }) => `${d.file}:${d.line}`)).toEqual(["mesh/route.yaml:8"]);
  });

  it("in a repository without a commit, everything staged is new", async () => {
    const dir = tempRepo({ "mesh/service.yaml": SERVICE_YAML, "mesh/route.yaml": routeYaml("v9"), "mesh/extra.yaml": routeYaml("v5", "extra") });
    git(dir, "init", "-q");
    git(dir, "add", "mesh/route.yaml", "mesh/service.yaml");
    // extra.yaml is not staged: its mistake is not part of the commit.
    const r = await cli(["-f", "json", "--staged"], dir);
    expect(r.code).toBe(1);
    expect(files(r.out)).toEqual(["mesh/route.yaml"]);
  });
});
