import { execFile } from "node:child_process";
import { basename, extname, resolve } from "node:path";
import { promisify } from "node:util";
import { MANIFEST_EXTENSIONS } from "./discover.js";
import { IgnoreRules } from "./ignore-rules.js";

const exec = promisify(execFile);
const OWN_FILES = new Set([".meshlint.yaml", ".meshlint.yml", ".meshlint-baseline.json"]);

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await exec("git", [...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error("git is not installed", { cause: error });
    throw new Error((e.stderr ?? e.message).trim().split("\n")[0] ?? "git failed", { cause: error });
  }
}

const nulList = (out: string): string[] => out.split("\0").filter(Boolean);

/** The top folder of the Git work tree holding `cwd`, or undefined outside one. */
export async function gitTop(cwd: string): Promise<string | undefined> {
  try {
    return (await git(cwd, ["rev-parse", "--show-toplevel"])).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every manifest of the repository holding `cwd` (absolute paths): tracked files and untracked ones that no
 * ignore file excludes (`git ls-files -co --exclude-standard`), less what `.meshlintignore` and the config's
 * `ignore` globs exclude. Outside a Git work tree: `cwd` itself, walked with the ignore files.
 */
export async function repositoryFiles(cwd: string, ignore?: { dir: string; patterns: readonly string[] }): Promise<string[]> {
  const top = await gitTop(cwd);
  if (!top) return [cwd];
  const listed = nulList(await git(top, ["ls-files", "-z", "--cached", "--others", "--exclude-standard"]));
  const ignores = IgnoreRules.forCwd(top, ignore);
  return [...new Set(listed)]
    .filter((f) => MANIFEST_EXTENSIONS.has(extname(f).toLowerCase()) && !OWN_FILES.has(basename(f)))
    .map((f) => resolve(top, f))
    .filter((f) => !ignores.ignores(f));
}

/**
 * Files changed since `ref` (absolute paths): the difference between the working tree and the merge base of `ref`
 * and HEAD (so a pull request's base branch moving on does not count), plus untracked files.
 */
export async function changedFiles(cwd: string, ref: string): Promise<string[]> {
  const top = await gitTop(cwd);
  if (!top) throw new Error("not inside a Git work tree");
  await git(top, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => {
    throw new Error(`"${ref}" names no commit`);
  });
  const base = (await git(top, ["merge-base", ref, "HEAD"]).catch(() => ref)).trim() || ref;
  const changed = nulList(await git(top, ["diff", "--name-only", "-z", "--no-renames", base, "--"]));
  const untracked = nulList(await git(top, ["ls-files", "-z", "--others", "--exclude-standard"]));
  return [...new Set([...changed, ...untracked])].map((f) => resolve(top, f));
}
