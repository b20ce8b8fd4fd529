import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { JsonObject } from "../base/json.js";
import { VERSION } from "../base/package.js";
import type { ParsedFileStore, ParsedManifests } from "../load/load.js";
import { ANY_KIND, type ResourceIndex } from "../model/resource-index.js";
import { type Resource, isLinted } from "../model/resource.js";
import type { Settings } from "../model/settings.js";
import { type StoredSchemaReport, madeSchemaReport, schemaInputsKey, seedSchemaReports } from "../schema/check.js";
import type { Config } from "../engine/config.js";

/** The cache file's name in the working folder, or in the folder --cache-location names (ESLint's `.eslintcache`). */
export const CACHE_FILE = ".meshlintcache";

/**
 * What a cache file starts with: a file at the cache's place that does not is someone else's, and is never
 * overwritten. Bump FORMAT when what an entry holds changes.
 */
const MARK = '{"meshlintCache":';
const FORMAT = 1;

/** One file's kept work: its parse, and the schema reports of its objects under the schema inputs `schemaKey`. */
interface Entry {
  readonly parsed: ParsedManifests;
  schemaKey?: string;
  schema?: (StoredSchemaReport | null)[];
}

/**
 * The work kept between runs (`--cache`): per file, its parse and its objects' schema reports (structure, CEL),
 * reused while the file's text, meshlint's version, the configuration and settings and (for schema reports) the
 * CRDs stay the same. An entry is found by a digest of all of those, so a changed file or configuration simply
 * finds nothing. Rules over several objects always run on the whole index; what they report is never kept.
 */
export class RunCache {
  /** Entries read from the file, by digest. */
  private readonly stored: Map<string, Entry>;
  /** Entries of this process's runs: the ones written back (files no longer linted drop out). */
  private readonly used = new Map<string, Entry>();
  /** Each cached object's entry and place in it, by the object's data (the same object the index's resource holds). */
  private readonly places = new WeakMap<JsonObject, { entry: Entry; position: number }>();
  private changed = false;

  private constructor(
    /** Where the cache is written. */
    readonly file: string,
    stored: Map<string, Entry>,
    /** False for a file that is not a meshlint cache: it is left as it is. */
    private readonly writable: boolean,
  ) {
    this.stored = stored;
    this.changed = stored.size === 0;
  }

  /**
   * Reads the cache at `file` (none yet is fine). `problem` says why what was there is not used: a damaged cache
   * (rebuilt), a cache of another meshlint version (rebuilt, silently: upgrades do that), or a file that is not a
   * meshlint cache (left alone; nothing is cached).
   */
  static open(file: string): { cache: RunCache; problem?: string } {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { cache: new RunCache(file, new Map(), true) };
      if (code === "EISDIR") return { cache: new RunCache(file, new Map(), false), problem: `${file} is a folder; no cache is used` };
      return { cache: new RunCache(file, new Map(), true), problem: `cannot read the cache ${file} (${code ?? (error as Error).message}); it is rebuilt` };
    }
    if (text.length > 0 && !text.startsWith(MARK)) {
      return { cache: new RunCache(file, new Map(), false), problem: `${file} is not a meshlint cache; it is left as it is and no cache is used (--cache-location names another place)` };
    }
    if (text.length === 0) return { cache: new RunCache(file, new Map(), true) };
    try {
      const read = JSON.parse(text) as { meshlintCache: unknown; version: unknown; entries: unknown };
      if (read.meshlintCache !== FORMAT || read.version !== VERSION) return { cache: new RunCache(file, new Map(), true) };
      return { cache: new RunCache(file, new Map(checkedEntries(read.entries)), true) };
    } catch (error) {
      return { cache: new RunCache(file, new Map(), true), problem: `the cache ${file} is damaged (${(error as Error).message}); it is rebuilt` };
    }
  }

  /** The parses of files under this configuration and these settings (see ProjectOptions.cache). */
  files(config: Config, settings: Settings): ParsedFileStore {
    const key = digest(VERSION, stableJson(config), stableJson(settings));
    const entryKey = (file: string, text: string) => digest(key, file, text);
    return {
      get: (file, text) => {
        const k = entryKey(file, text);
        const entry = this.used.get(k) ?? this.stored.get(k);
        if (!entry) return undefined;
        this.used.set(k, entry);
        this.remember(entry);
        return entry.parsed;
      },
      set: (file, text, parsed) => {
        // JSON would turn .inf, .nan and -0 into other values: such a file is parsed on every run.
        if (!parsed.resources.every((m) => survivesJson(m.data))) return;
        const entry: Entry = { parsed };
        this.used.set(entryKey(file, text), entry);
        this.remember(entry);
        this.changed = true;
      },
    };
  }

  /** Gives the index's objects the schema reports kept for them under the index's schema inputs. */
  seedSchema(index: ResourceIndex): void {
    const key = schemaInputsKey(index);
    const seeds = new Map<Resource, StoredSchemaReport>();
    for (const r of index.all(ANY_KIND)) {
      const place = isLinted(r) ? this.places.get(r.data) : undefined;
      const kept = place && place.entry.schemaKey === key ? place.entry.schema?.[place.position] : undefined;
      if (kept) seeds.set(r, kept);
    }
    seedSchemaReports(index, seeds);
  }

  /** Keeps the schema reports this run made (or was given) for the index's objects. */
  keepSchema(index: ResourceIndex): void {
    const key = schemaInputsKey(index);
    for (const r of index.all(ANY_KIND)) {
      const place = isLinted(r) ? this.places.get(r.data) : undefined;
      if (!place) continue;
      const { entry, position } = place;
      if (entry.schemaKey !== key) {
        entry.schemaKey = key;
        entry.schema = entry.parsed.resources.map(() => null);
        this.changed = true;
      }
      const report = madeSchemaReport(index, r);
      if (report && entry.schema![position] == null) {
        entry.schema![position] = report;
        this.changed = true;
      }
    }
  }

  /**
   * Writes the entries of this process's runs (through a temporary file, so that a reader never sees half a cache).
   * Returns why it could not, if it could not.
   */
  save(): string | undefined {
    if (!this.writable || (!this.changed && this.used.size === this.stored.size)) return undefined;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const parts = [...this.used].map(([k, e]) => `${JSON.stringify(k)}:${JSON.stringify(e)}`);
      writeFileSync(temp, `${MARK}${FORMAT},"version":${JSON.stringify(VERSION)},"entries":{${parts.join(",")}}}\n`);
      renameSync(temp, this.file);
      return undefined;
    } catch (error) {
      rmSync(temp, { force: true });
      return `cannot write the cache ${this.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  }

  private remember(entry: Entry): void {
    entry.parsed.resources.forEach((m, position) => this.places.set(m.data, { entry, position }));
  }
}

/**
 * The cache file of a run: `--cache-location` as a file, or inside it when it is a folder (or ends with a slash),
 * named after the working folder so that one folder can hold the caches of several; `.meshlintcache` in the
 * working folder by default.
 */
export function cacheFileFor(location: string | undefined, cwd: string): string {
  if (location === undefined) return resolve(cwd, CACHE_FILE);
  const path = resolve(cwd, location);
  let folder = /[\\/]$/.test(location);
  try {
    folder ||= statSync(path).isDirectory();
  } catch {
    // not there yet: a file, unless it ends with a slash
  }
  return folder ? join(path, `${CACHE_FILE}_${digest(cwd).slice(0, 12)}`) : path;
}

/** Entries as read, each checked for the shape this version writes (a damaged entry fails the whole file). */
function checkedEntries(value: unknown): [string, Entry][] {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new Error("no entries");
  return Object.entries(value as Record<string, unknown>).map(([k, e]) => {
    const entry = e as Partial<Entry> | null;
    const parsed = entry?.parsed;
    if (
      !parsed ||
      !Array.isArray(parsed.resources) ||
      !Array.isArray(parsed.issues) ||
      typeof parsed.skippedDocuments !== "number" ||
      typeof parsed.kustomize !== "boolean" ||
      typeof parsed.fastPath !== "boolean" ||
      parsed.resources.some((r) => typeof r?.data !== "object" || r.data === null || typeof r.document !== "number" || !Array.isArray(r.base)) ||
      (entry.schema !== undefined && (!Array.isArray(entry.schema) || typeof entry.schemaKey !== "string"))
    ) {
      throw new Error(`entry ${k.slice(0, 12)} is not what meshlint writes`);
    }
    return [k, entry as Entry];
  });
}

/** Whether JSON gives the value back as it is (plain objects and arrays, strings, booleans, finite numbers but -0). */
function survivesJson(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value) && !Object.is(value, -0);
  if (value === null || typeof value === "string" || typeof value === "boolean") return true;
  if (typeof value !== "object") return false;
  if (Array.isArray(value)) return value.every(survivesJson);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  for (const k in value) if (!survivesJson((value as Record<string, unknown>)[k])) return false;
  return true;
}

function digest(...parts: string[]): string {
  const hash = createHash("sha256");
  for (const p of parts) hash.update(`${p.length}:${p}`);
  return hash.digest("hex");
}

/** JSON with Maps and Sets written out (settings hold some), for a digest. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? [...v] : v instanceof Set ? [...v] : v)) ?? "";
}
