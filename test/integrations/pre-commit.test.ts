import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/fixtures.js";
import { SERVICE_YAML, git, hasCommand, routeYaml } from "./world.js";

// The real `pre-commit try-repo` on throw-away repositories. It installs the hook as pre-commit does for
// `language: node` (npm install, which builds, npm pack, which builds again, npm install -g), which takes minutes,
// so it runs in CI (CI=true; .ci/run installs Debian's pre-commit) or when MESHLINT_PRECOMMIT_TEST=1, and only where
// the `pre-commit` command exists. One run covers both sides: a commit that deletes a routed subset fails on the
// route it did not touch, while a mistake that was already there does not block it.
const enabled = hasCommand("pre-commit") && (process.env.CI === "true" || process.env.MESHLINT_PRECOMMIT_TEST === "1");

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "meshlint-pre-commit-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe.runIf(enabled)("the pre-commit hook", () => {
  it("fails a commit that breaks a file it did not touch, and only on what the commit introduces", () => {
    // The hook repository: this project's files as they are now (tracked and new, less what .gitignore excludes).
    const hookRepo = folder();
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT });
    execFileSync("sh", ["-c", `tar --null -T - -cf - | tar -xf - -C '${hookRepo}'`], { cwd: ROOT, input: files });
    git(hookRepo, "init", "-q");
    git(hookRepo, "add", "-A");
    git(hookRepo, "commit", "-qm", "hook");

    // The user's repository: route.yaml routes to subset v1 of web, old.yaml has a mistake of its own (subset v5),
    // and the staged change deletes subset v1 from service.yaml, leaving route.yaml broken though it is unchanged.
    // An unstaged edit of route.yaml is not part of the commit (pre-commit stashes it; meshlint reads the index).
    const repo = folder({ "mesh/service.yaml": SERVICE_YAML, "mesh/route.yaml": routeYaml("v1"), "mesh/old.yaml": routeYaml("v5", "old") });
    git(repo, "init", "-q");
    git(repo, "add", "-A");
    git(repo, "commit", "-qm", "base");
    writeFileSync(join(repo, "mesh/service.yaml"), SERVICE_YAML.replace("  subsets: [{ name: v1, labels: { version: v1 } }]\n", ""));
    git(repo, "add", "mesh/service.yaml");
    writeFileSync(join(repo, "mesh/route.yaml"), routeYaml("v1").replace("subset: v1", "subset: v2"));

    try {
      const r = spawnSync("pre-commit", ["try-repo", hookRepo, "meshlint", "--verbose"], {
        cwd: repo,
        encoding: "utf8",
        env: { ...process.env, PRE_COMMIT_COLOR: "never", NO_COLOR: "1" },
        timeout: 1_200_000,
      });
      const output = `${r.stdout}\n${r.stderr}`;
      expect(r.status, output).toBe(1);
      expect(output).toMatch(/meshlint\.+Failed/);
      // The finding the commit introduces, in the file it did not touch; not the old mistake in old.yaml.
      expect(output).toContain("mesh/route.yaml");
      expect(output).toContain('Subset "v1" is not defined by DestinationRule "shop/web"');
      expect(output).not.toContain("mesh/old.yaml");
      expect(output).toMatch(/: 1 error,/);
      // The hook keeps its cache in the repository's root folder.
      expect(existsSync(join(repo, ".meshlintcache"))).toBe(true);
    } finally {
      for (const dir of [hookRepo, repo]) rmSync(dir, { recursive: true, force: true });
    }
  }, 1_800_000);
});
