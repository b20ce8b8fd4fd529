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
  it("reports only in files changed since the ref (committed, modified or new), reading everything", async () => {
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
  });
});
