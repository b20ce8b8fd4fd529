import { createHash } from "node:crypto";
import { lstatSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import vm from "node:vm";

// V8's code cache, kept on disk between runs, for the code meshlint compiles itself: its CLI bundle and the generated
// validators of the bundled schemas. Compiling them is most of a small run's start-up, and Node 20 keeps nothing
// between runs (module.enableCompileCache() came with Node 22.1, and covers only modules Node itself loads).
//
// The cache of a script is written when the process exits, so that it holds every function the run compiled, not
// only the top level; a run that found a usable cache writes nothing. V8 itself refuses a cache made by another
// V8 version or with other flags (the script then compiles as usual and the cache is written anew); the key a caller
// gives names the source's content, since V8 checks only its length.

export interface CodeCacheOptions {
  /** A short name for the script's cache files: the few newest caches of a name are kept (KEPT_PER_NAME). */
  readonly name: string;
  /** Identifies the source's content (a digest made at build time, for instance). */
  readonly key: string;
}

const unsaved: { script: vm.Script; file: string; name: string }[] = [];
let folder: string | null | undefined;

/**
 * The cache folder, or null (no cache). The environment variable NODE_DISABLE_COMPILE_CACHE, which turns Node's own
 * compile cache off, turns this one off too; so does a system without user ids (Windows).
 */
function cacheFolder(): string | null {
  if (folder !== undefined) return folder;
  folder = null;
  const uid = process.getuid?.();
  if (uid === undefined || process.env.NODE_DISABLE_COMPILE_CACHE) return folder;
  const dir = join(tmpdir(), `meshlint-code-cache-${uid}`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (isPrivateFolder(dir, uid)) folder = dir;
  } catch {
    // No writable temporary folder: compile without a cache.
  }
  return folder;
}

/**
 * Whether `dir` is a folder (not a link to one) that only user `uid` can read or write: V8 runs whatever bytecode a
 * cache it accepts holds, and the temporary folder is everyone's.
 */
export function isPrivateFolder(dir: string, uid: number): boolean {
  const stat = lstatSync(dir, { throwIfNoEntry: false });
  return stat !== undefined && stat.isDirectory() && stat.uid === uid && (stat.mode & 0o077) === 0;
}

/** Compiles `source` as a vm.Script, from the code cache an earlier run left for the same key where there is one. */
export function compileCached(source: string, filename: string, options: CodeCacheOptions): vm.Script {
  const dir = cacheFolder();
  const digest = createHash("sha256").update(`${options.key}\0${process.version}\0${process.arch}`).digest("hex").slice(0, 24);
  const file = dir === null ? undefined : join(dir, `${options.name}-${digest}`);
  let cachedData: Buffer | undefined;
  try {
    if (file) cachedData = readFileSync(file);
  } catch {
    // None yet.
  }
  const script = new vm.Script(source, cachedData ? { filename, cachedData } : { filename });
  if (file && (!cachedData || script.cachedDataRejected)) {
    if (unsaved.length === 0) process.once("exit", saveCodeCaches);
    unsaved.push({ script, file, name: options.name });
  }
  return script;
}

/**
 * Caches kept per name: a few builds of meshlint in use side by side (projects pinning different versions, a
 * checkout and an installed copy, git worktrees) each keep theirs instead of replacing each other's on every run.
 */
const KEPT_PER_NAME = 4;

/** Writes the caches of this run's scripts (atomically: another run may be reading them), dropping the oldest. */
export function saveCodeCaches(): void {
  for (const { script, file, name } of unsaved.splice(0)) {
    try {
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, script.createCachedData(), { mode: 0o600 });
      renameSync(temporary, file);
      const dir = dirname(file);
      const current = basename(file);
      const others = readdirSync(dir)
        .filter((other) => other !== current && other.startsWith(`${name}-`) && other.length === current.length)
        .map((other) => ({ path: join(dir, other), written: statSync(join(dir, other), { throwIfNoEntry: false })?.mtimeMs ?? 0 }))
        .sort((a, b) => b.written - a.written);
      for (const older of others.slice(KEPT_PER_NAME - 1)) rmSync(older.path, { force: true });
    } catch {
      // A full disk or a vanished folder: the next run compiles again.
    }
  }
}
