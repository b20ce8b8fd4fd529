import type { Dirent } from "node:fs";
import { lstat, readdir, stat } from "node:fs/promises";
import { basename, extname, join, resolve } from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import type { IgnoreRules } from "./ignore-rules.js";

export const MANIFEST_EXTENSIONS = new Set([".yaml", ".yml", ".json"]);

/** meshlint's own files are configuration, not manifests. */
const OWN_FILES = new Set([".meshlint.yaml", ".meshlint.yml", ".meshlint-baseline.json"]);

export interface DiscoveredFile {
  /** Absolute path. */
  readonly path: string;
  /** Named on the command line (read whatever its extension), rather than found in a folder or by a glob. */
  readonly explicit: boolean;
}

export interface Discovery {
  readonly files: readonly DiscoveredFile[];
  readonly stdin: boolean;
  /** Inputs that named nothing: a missing path, or a glob that matched no manifest (an empty folder is fine). */
  readonly unmatched: readonly string[];
  /** Files named explicitly but excluded by an ignore file or the config's ignore globs. */
  readonly ignored: readonly string[];
  /** Folders that could not be listed (permission denied, gone): reported, never passed over in silence. */
  readonly unreadable: readonly { readonly path: string; readonly reason: string }[];
}

/** Lists a folder; injectable so that tests can make one fail (a test run as root reads any folder). */
export type ListFolder = (dir: string) => Promise<Dirent[]>;
const listFolder: ListFolder = (dir) => readdir(dir, { withFileTypes: true });

/** Expands files, folders (recursively), globs and `-` into the manifest files to read, in a stable order. */
export async function discover(inputs: readonly string[], cwd: string, ignores: IgnoreRules, list: ListFolder = listFolder): Promise<Discovery> {
  const found = new Map<string, DiscoveredFile>();
  const unmatched: string[] = [];
  const ignored: string[] = [];
  const unreadable: { path: string; reason: string }[] = [];
  const walker: Walker = { ignores, add: (file) => add(file), list, unreadable };
  let stdin = false;
  const add = (file: DiscoveredFile) => {
    const seen = found.get(file.path);
    if (!seen || (file.explicit && !seen.explicit)) found.set(file.path, file);
  };

  for (const input of inputs) {
    if (input === "-") {
      stdin = true;
      continue;
    }
    const path = resolve(cwd, input);
    // A dangling symlink named explicitly is still an input: reading it reports it as unreadable.
    const info = (await stat(path).catch(() => undefined)) ?? (await lstat(path).catch(() => undefined));
    if (info?.isDirectory()) {
      await walk(path, walker);
    } else if (info) {
      if (ignores.ignores(path)) ignored.push(path);
      else add({ path, explicit: true });
    } else if (isDynamicPattern(input)) {
      const matches = await glob([input], { cwd, absolute: true, dot: true, ignore: ["**/node_modules/**", "**/.git/**"] });
      let any = false;
      for (const match of matches.map((m) => resolve(m)).sort()) {
        if (!MANIFEST_EXTENSIONS.has(extname(match).toLowerCase()) || OWN_FILES.has(basename(match)) || ignores.ignores(match)) continue;
        add({ path: match, explicit: false });
        any = true;
      }
      if (!any) unmatched.push(input);
    } else {
      unmatched.push(input);
    }
  }
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, stdin, unmatched, ignored, unreadable };
}

interface Walker {
  readonly ignores: IgnoreRules;
  readonly add: (f: DiscoveredFile) => void;
  readonly list: ListFolder;
  readonly unreadable: { path: string; reason: string }[];
}

async function walk(dir: string, walker: Walker): Promise<void> {
  const { ignores, add } = walker;
  let entries: Dirent[];
  try {
    entries = await walker.list(dir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    walker.unreadable.push({ path: dir, reason: code === "EACCES" || code === "EPERM" ? "permission denied" : (code ?? (error as Error).message) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!ignores.ignores(path, true)) await walk(path, walker);
    } else {
      // Anything else with a manifest's name is an input: a FIFO or a device among them is reported as unreadable.
      if (!MANIFEST_EXTENSIONS.has(extname(entry.name).toLowerCase()) || OWN_FILES.has(entry.name) || ignores.ignores(path)) continue;
      // Symlinked folders are not followed (they can form cycles); a dangling link is read, and reported unreadable.
      if (entry.isSymbolicLink() && (await stat(path).catch(() => undefined))?.isDirectory()) continue;
      add({ path, explicit: false });
    }
  }
}
