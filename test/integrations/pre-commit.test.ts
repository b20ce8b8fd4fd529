import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/fixtures.js";
import { SERVICE_YAML, git, hasCommand, routeYaml } from "./world.js";

// The real `pre-commit try-repo` on throw-away repositories. It installs the hook as pre-commit does for
// `language: node` (npm install, which builds, npm pack, which builds again, npm install -g), which takes minutes,
// so it runs in CI (CI=true; .ci/run installs Debian's pre-commit) or when MESHLINT_PRECOMMIT_TEST=1, and only where
// the `pre-commit` command exists. One run covers both sides: a staged file whose references live in an unstaged
// file gets no finding, and a staged file with a real mistake fails the hook.
const enabled = hasCommand("pre-commit") && (process.env.CI === "true" || process.env.MESHLINT_PRECOMMIT_TEST === "1");

/** A route file that also holds a Service and a DestinationRule of its own, so those kinds are in the repository. */
const staged = (subset: string, name: string) => `${routeYaml(subset, name)}---
apiVersion: v1
kind: Service
metadata: { name: ${name}-api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 80 }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}-api, namespace: shop }
spec: { host: ${name}-api }
`;

function folder(files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "meshlint-pre-commit-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

describe.runIf(enabled)("the pre-commit hook", () => {
  it("reads the whole repository, reports only in the staged files, and fails on a real mistake", () => {
    // The hook repository: this project's files as they are now (tracked and new, less what .gitignore excludes).
    const hookRepo = folder();
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT });
    execFileSync("sh", ["-c", `tar --null -T - -cf - | tar -xf - -C '${hookRepo}'`], { cwd: ROOT, input: files });
    git(hookRepo, "init", "-q");
    git(hookRepo, "add", "-A");
    git(hookRepo, "commit", "-qm", "hook");

    // The user's repository: the Service and DestinationRule live in a file that is not staged (not even tracked),
    // good.yaml routes to them correctly, bad.yaml names a subset that does not exist, and old.yaml (not staged)
    // has a mistake of its own that this commit does not touch.
    const repo = folder({
      "mesh/service.yaml": SERVICE_YAML,
      "mesh/good.yaml": staged("v1", "good"),
      "mesh/bad.yaml": staged("v9", "bad"),
      "mesh/old.yaml": routeYaml("v5", "old"),
    });
    git(repo, "init", "-q");
    git(repo, "add", "mesh/good.yaml", "mesh/bad.yaml");

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
      // Only the real mistake, in the staged file that has it: the staged good.yaml, whose Service and
      // DestinationRule are in the unstaged service.yaml, gets nothing, nor does the unstaged old.yaml.
      expect(output).toContain("mesh/bad.yaml");
      expect(output).toContain('Subset "v9" is not defined by DestinationRule "shop/web"');
      expect(output).not.toContain("mesh/good.yaml");
      expect(output).not.toContain("mesh/old.yaml");
      expect(output).toMatch(/: 1 error,/);
    } finally {
      for (const dir of [hookRepo, repo]) rmSync(dir, { recursive: true, force: true });
    }
  }, 1_800_000);
});
