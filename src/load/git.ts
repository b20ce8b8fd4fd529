import { execFile } from "node:child_process";
import { basename, extname, resolve, sep } from "node:path";
import { promisify } from "node:util";
import { mkdir, rm } from "node:fs/promises";
import { MANIFEST_EXTENSIONS } from "./discover.js";
import { IgnoreRules } from "./ignore-rules.js";

const exec = promisify(execFile);
const GIT_MISSING = "git is not installed";
const OWN_FILES = new Set([".meshlint.yaml", ".meshlint.yml", ".meshlint-baseline.json"]);

async function git(cwd: string, args: readonly string[]): Promise<string> {
  try {
    const { stdout } = await exec("git", [...args], { cwd, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    if (e.code === "ENOENT") throw new Error(GIT_MISSING, { cause: error });
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

/** Whether `git` can be run at all (meshlint's container image has none): "not a work tree" would mislead then. */
export async function gitInstalled(cwd: string): Promise<boolean> {
  try {
    await git(cwd, ["--version"]);
    return true;
  } catch (error) {
    return (error as Error).message !== GIT_MISSING;
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

/** The commit a change is judged against: the merge base of `ref` and HEAD (a pull request's fork point). */
export async function changeBase(top: string, ref: string): Promise<string> {
  const commit = (await git(top, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => "")).trim();
  if (!commit) throw new Error(`"${ref}" names no commit`);
  const base = (await git(top, ["merge-base", commit, "HEAD"]).catch(() => "")).trim();
  return base || commit;
}

/**
 * Makes sure `ref` names a commit here, fetching it from `origin` (depth 1) when it does not: a CI checkout is
 * usually shallow and lacks the base a pull request is judged against.
 */
export async function ensureCommit(cwd: string, ref: string): Promise<void> {
  const top = await gitTop(cwd);
  if (!top) return;
  if ((await git(top, ["rev-parse", "--verify", "--quiet", `${ref}^{commit}`]).catch(() => "")).trim()) return;
  await git(top, ["fetch", "--no-tags", "--quiet", "--depth=1", "origin", ref]);
}

/** Whether the repository has a commit yet (a first commit compares against nothing). */
export async function hasHead(top: string): Promise<boolean> {
  return (await git(top, ["rev-parse", "--verify", "--quiet", "HEAD^{commit}"]).catch(() => "")).trim() !== "";
}

/**
 * Writes the tree of a commit, or the index (what `git commit` would record), into `dest`, with git alone: a
 * throw-away index file is filled from the commit and checked out under a prefix, so the repository's own index and
 * work tree are never touched.
 */
export async function materialize(top: string, what: { commit: string } | "index", dest: string): Promise<void> {
  await mkdir(dest, { recursive: true });
  // resolve() drops a trailing separator: checkout-index takes the prefix as a string, folder and all.
  const root = resolve(dest);
  const prefix = `${root}${sep}`;
  if (what === "index") {
    await git(top, ["checkout-index", "--all", "--force", `--prefix=${prefix}`]);
    return;
  }
  // The throw-away index lives beside the tree, not in it.
  const index = `${root}.index`;
  const env = { ...process.env, GIT_INDEX_FILE: index };
  await gitWithEnv(top, ["read-tree", what.commit], env);
  await gitWithEnv(top, ["checkout-index", "--all", "--force", `--prefix=${prefix}`], env);
  await rm(index, { force: true });
}

/** Whether the index holds a change to a file meshlint reads (a manifest, a chart's template, a kustomization). */
export async function stagedAnything(cwd: string): Promise<boolean> {
  const top = await gitTop(cwd);
  if (!top) return true;
  const paths = await changedPaths(top, (await hasHead(top)) ? "HEAD" : undefined, true).catch(() => undefined);
  if (!paths) return true;
  return paths.some((p) => MANIFEST_EXTENSIONS.has(extname(p).toLowerCase()) || extname(p) === ".tpl" || basename(p) === "Kustomization");
}

/** Paths that differ between a commit and the index (`staged`) or the working tree, deleted ones included. */
export async function changedPaths(top: string, base: string | undefined, staged: boolean): Promise<string[]> {
  const against = base ?? EMPTY_TREE;
  const changed = nulList(await git(top, ["diff", "--name-only", "-z", "--no-renames", ...(staged ? ["--cached"] : []), against, "--"]));
  const untracked = staged ? [] : nulList(await git(top, ["ls-files", "-z", "--others", "--exclude-standard"]));
  return [...new Set([...changed, ...untracked])];
}

/** Git's id of the empty tree, the "before" of a repository's first commit. */
export const EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

async function gitWithEnv(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<string> {
  try {
    const { stdout } = await exec("git", [...args], { cwd, env, maxBuffer: 256 * 1024 * 1024, encoding: "utf8" });
    return stdout;
  } catch (error) {
    const e = error as NodeJS.ErrnoException & { stderr?: string };
    throw new Error((e.stderr ?? e.message).trim().split("\n")[0] ?? "git failed", { cause: error });
  }
}
