import { statSync } from "node:fs";
import { readRegularTextSync } from "../base/read-file.js";
import { dirname, join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";

export const IGNORE_FILES = [".gitignore", ".meshlintignore"] as const;
const ALWAYS_SKIPPED_DIRS = new Set([".git", "node_modules"]);

/**
 * Git's ignore semantics over a tree: every `.gitignore` and `.meshlintignore` from the top folder down to a file
 * applies, deeper files later (so they can re-include with `!`), plus the config file's `ignore` globs anchored at
 * the config file's folder.
 */
export class IgnoreRules {
  private readonly perDir = new Map<string, Ignore | null>();

  constructor(
    /** The top folder: the Git work tree root if there is one above the working directory, else the working directory. */
    private readonly top: string,
    private readonly extra?: { readonly dir: string; readonly patterns: readonly string[] },
  ) {}

  static forCwd(cwd: string, extra?: { dir: string; patterns: readonly string[] }): IgnoreRules {
    return new IgnoreRules(findGitRoot(cwd) ?? cwd, extra);
  }

  /** Whether `path` (absolute) is ignored; `isDir` to test a folder before walking into it. */
  ignores(path: string, isDir = false): boolean {
    const name = path.slice(path.lastIndexOf(sep) + 1);
    if (isDir && ALWAYS_SKIPPED_DIRS.has(name)) return true;
    let ignored = false;
    for (const dir of this.levels(path)) {
      const rules = this.rulesOf(dir);
      if (!rules) continue;
      const rel = toPosix(relative(dir, path)) + (isDir ? "/" : "");
      const verdict = rules.test(rel);
      if (verdict.ignored) ignored = true;
      else if (verdict.unignored) ignored = false;
    }
    if (!ignored && this.extra && isInside(this.extra.dir, path)) {
      const rel = toPosix(relative(this.extra.dir, path)) + (isDir ? "/" : "");
      if (rel && this.extraRules().ignores(rel)) ignored = true;
    }
    return ignored;
  }

  private extraMatcher: Ignore | undefined;
  private extraRules(): Ignore {
    this.extraMatcher ??= ignore().add([...(this.extra?.patterns ?? [])]);
    return this.extraMatcher;
  }

  /** The folders from the top down to the file's own folder whose ignore files apply to it. */
  private levels(path: string): string[] {
    if (!isInside(this.top, path)) return [dirname(path)];
    const out: string[] = [];
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      out.push(dir);
      if (dir === this.top || dirname(dir) === dir) break;
    }
    return out.reverse();
  }

  private rulesOf(dir: string): Ignore | null {
    let rules = this.perDir.get(dir);
    if (rules === undefined) {
      rules = null;
      for (const file of IGNORE_FILES) {
        const text = readIfExists(join(dir, file));
        if (text !== undefined) (rules ??= ignore()).add(text);
      }
      this.perDir.set(dir, rules);
    }
    return rules;
  }
}

function readIfExists(path: string): string | undefined {
  try {
    return readRegularTextSync(path);
  } catch {
    return undefined;
  }
}

function findGitRoot(from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    try {
      statSync(join(dir, ".git"));
      return dir;
    } catch {
      // not here; keep climbing
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export const toPosix = (p: string): string => (sep === "/" ? p : p.split(sep).join("/"));

export const isInside = (dir: string, path: string): boolean => {
  const rel = relative(dir, path);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
};
