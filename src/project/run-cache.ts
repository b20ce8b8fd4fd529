import { createHash } from "node:crypto";
import { type BigIntStats, closeSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { JsonObject } from "../base/json.js";
import { BUILD, VERSION } from "../base/package.js";
import type { FileMetadata } from "../base/read-file.js";
import type { ParsedFileStore, ParsedManifests, RawResource } from "../load/load.js";
import { K } from "../model/kinds.js";
import { ANY_KIND, type ResourceIndex, resourcesFromRaw } from "../model/resource-index.js";
import { type Resource, isLinted } from "../model/resource.js";
import type { Settings } from "../model/settings.js";
import { type StoredSchemaReport, madeSchemaReport, schemaInputsKey, seedSchemaReports } from "../schema/check.js";
import type { Config } from "../engine/config.js";
import type { KeptChecks, KeptRunInputs, KeptRunResult } from "../engine/kept-checks.js";
import type { Rule } from "../engine/rule.js";

/** The cache file's name in the working folder, or in the folder --cache-location names (ESLint's `.eslintcache`). */
export const CACHE_FILE = ".meshlintcache";

/**
 * What a cache file starts with: a file at the cache's place that does not is someone else's, and is never
 * overwritten. Bump FORMAT when what an entry holds changes.
 *
 * The file is lines: the head (`{"meshlintCache":FORMAT,"version":…,"build":…}`), then an `E` line per file entry
 * (`E`, the entry's 64-character key, its JSON), a `C` line per configuration's kept checks (`C`, key, JSON) and one
 * `F` line with the files' metadata. A line per entry lets a run copy the entries it did not change from the file it
 * read instead of writing them out again (at 10k resources 5 of the file's 9 MB, a twentieth of a cached run).
 */
const MARK = '{"meshlintCache":';
const FORMAT = 6;
const KEY_CHARS = 64;

/** The cache file a run read: which file it was (to tell it is still the same one) and where each entry's line is. */
interface ReadFile {
  readonly identity: string;
  /** Each entry's line, as byte offsets into the file, while the entry is as read. */
  readonly lines: Map<Entry, readonly [number, number]>;
}

/**
 * A file's metadata as a run saw it before reading it, and what it read: [absolute path, device, inode, size, mtime
 * ns, ctime ns, digest of the text, whether the text holds `meshlint-`]. While a file's device, inode, size, mtime
 * and ctime are the same, it holds the same text, and is not read again (ESLint's `--cache-strategy metadata`, git's
 * index): writing a file changes its mtime and ctime, replacing it (an editor's save, a checkout) changes its inode,
 * and a tool that sets an old mtime back (`touch -d`, `cp -p`, `tar -x`) still changes its ctime, which no program
 * can set. Two writes within one tick of the file system's clock (a few milliseconds; a second or two on some file
 * systems) can leave both times the same, so a file is noted only when both were at least RACY_MS before the run
 * looked at it: a later write then gives it later times. Any other file is read, and its text's digest decides.
 */
type Metadata = readonly [string, string, string, number, string, string, string, boolean];
const RACY_MS = 2_000;

/** How much of a digest names an object or a text in kept checks (80 bits: no two of a repository collide). */
const OBJECT_KEY_CHARS = 20;

/** One file's kept work: its parse, and the schema reports of its objects under the schema inputs `schemaKey`. */
interface Entry {
  /** The displayed path (the previous run's objects of a changed file are rebuilt from it). */
  readonly file: string;
  readonly parsed: ParsedManifests;
  /** Each object's key in kept checks: a digest of the file, its place in it and its data (not the file's text). */
  readonly ids: readonly string[];
  schemaKey?: string;
  schema?: (StoredSchemaReport | null)[];
  /** Ranges located in the file's text, by what was located (see KnownRanges). */
  ranges?: Record<string, readonly [number, number] | 0>;
}

/**
 * The work kept between runs (`--cache`): per file, its parse and its objects' schema reports (structure, CEL),
 * reused while the file's text, meshlint's build, the configuration and settings and (for schema reports) the
 * CRDs stay the same. An entry is found by a digest of all of those, so a changed file or configuration simply
 * finds nothing. And per configuration, the last run's rule checks with what each read (KeptChecks): the next run
 * re-runs only the checks a difference between the two repositories can alter (see runRulesKeeping).
 */
export class RunCache {
  /** Entries read from the file, by digest. */
  private readonly stored: Map<string, Entry>;
  /** Entries of this process's runs: the ones written back (files no longer linted drop out). */
  private readonly used = new Map<string, Entry>();
  /** Each cached object's entry and place in it, by the object's data (the same object the index's resource holds). */
  private readonly places = new WeakMap<JsonObject, { entry: Entry; key: string; position: number }>();
  /** Each cached parse's entry. */
  private readonly entryOf = new WeakMap<ParsedManifests, Entry>();
  /** The last run's checks per configuration (a digest of it), as read and as this process's runs left them. */
  private readonly storedChecks: Map<string, KeptChecks>;
  private readonly usedChecks = new Map<string, KeptChecks>();
  private changed = false;
  /** File metadata by absolute path (see Metadata): as read, and as this process's runs saw the files. */
  private readonly storedMetadata: Map<string, Metadata>;
  private readonly usedMetadata = new Map<string, Metadata>();
  /** What the last run did with kept checks (for tests and timing). */
  lastRun: KeptRunResult["stats"] | undefined;

  private constructor(
    /** Where the cache is written. */
    readonly file: string,
    stored: Map<string, Entry>,
    /** False for a file that is not a meshlint cache: it is left as it is. */
    private readonly writable: boolean,
    storedChecks: Map<string, KeptChecks> = new Map(),
    storedMetadata: Map<string, Metadata> = new Map(),
    private readonly read?: ReadFile,
  ) {
    this.stored = stored;
    this.storedChecks = storedChecks;
    this.storedMetadata = storedMetadata;
    this.changed = stored.size === 0;
  }

  /**
   * Reads the cache at `file` (none yet is fine). `problem` says why what was there is not used: a damaged cache
   * (rebuilt), a cache of another meshlint version (rebuilt, silently: upgrades do that), or a file that is not a
   * meshlint cache (left alone; nothing is cached).
   */
  static open(file: string): { cache: RunCache; problem?: string } {
    let bytes: Buffer;
    let identity: string;
    try {
      ({ bytes, identity } = readWithIdentity(file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT") return { cache: new RunCache(file, new Map(), true) };
      if (code === "EISDIR") return { cache: new RunCache(file, new Map(), false), problem: `${file} is a folder; no cache is used` };
      return { cache: new RunCache(file, new Map(), true), problem: `cannot read the cache ${file} (${code ?? (error as Error).message}); it is rebuilt` };
    }
    if (bytes.length > 0 && bytes.toString("latin1", 0, MARK.length) !== MARK) {
      return { cache: new RunCache(file, new Map(), false), problem: `${file} is not a meshlint cache; it is left as it is and no cache is used (--cache-location names another place)` };
    }
    if (bytes.length === 0) return { cache: new RunCache(file, new Map(), true) };
    try {
      const lines = lineRanges(bytes);
      const head = JSON.parse(bytes.toString("utf8", ...lines[0]!)) as { meshlintCache: unknown; version: unknown; build: unknown };
      if (head.meshlintCache !== FORMAT || head.version !== VERSION || head.build !== BUILD) return { cache: new RunCache(file, new Map(), true) };
      const entries: [string, unknown][] = [];
      const places = new Map<string, readonly [number, number]>();
      const checks: [string, unknown][] = [];
      let files: unknown;
      for (const [start, end] of lines.slice(1)) {
        if (start === end) continue;
        const type = bytes[start];
        const key = bytes.toString("latin1", start + 1, start + 1 + KEY_CHARS);
        if ((type === E || type === C) && !/^[0-9a-f]{64}$/.test(key)) throw new Error("a line's key is not what meshlint writes");
        if (type === E) {
          entries.push([key, JSON.parse(bytes.toString("utf8", start + 1 + KEY_CHARS, end))]);
          places.set(key, [start, end]);
        } else if (type === C) checks.push([key, JSON.parse(bytes.toString("utf8", start + 1 + KEY_CHARS, end))]);
        else if (type === F && files === undefined) files = JSON.parse(bytes.toString("utf8", start + 1, end));
        else throw new Error("a line is not what meshlint writes");
      }
      const stored = new Map(checkedEntries(entries));
      const read: ReadFile = { identity, lines: new Map([...stored].map(([key, entry]) => [entry, places.get(key)!])) };
      return { cache: new RunCache(file, stored, true, new Map(checkedChecks(checks)), new Map(checkedMetadata(files)), read) };
    } catch (error) {
      return { cache: new RunCache(file, new Map(), true), problem: `the cache ${file} is damaged (${(error as Error).message}); it is rebuilt` };
    }
  }

  /** The parses of files under this configuration and these settings (see ProjectOptions.cache). */
  files(config: Config, settings: Settings): ParsedFileStore {
    const key = digest(VERSION, BUILD, stableJson(config), stableJson(settings));
    const entryKey = (file: string, textDigest: string) => digest(key, file, textDigest);
    const find = (file: string, textDigest: string): Entry | undefined => {
      const k = entryKey(file, textDigest);
      const entry = this.used.get(k) ?? this.stored.get(k);
      if (!entry || entry.file !== file) return undefined;
      this.used.set(k, entry);
      this.remember(k, entry);
      return entry;
    };
    return {
      get: (file, text) => find(file, digest(text))?.parsed,
      unchanged: (file, path) => {
        const noted = this.usedMetadata.get(path) ?? this.storedMetadata.get(path);
        if (!noted) return undefined;
        let info: BigIntStats | undefined;
        try {
          info = statSync(path, { bigint: true, throwIfNoEntry: false });
        } catch {
          return undefined;
        }
        if (!info?.isFile() || !sameMetadata(noted, info)) return undefined;
        const entry = find(file, noted[6]);
        if (!entry) return undefined;
        this.usedMetadata.set(path, noted);
        return { parsed: entry.parsed, size: noted[3], mentionsMeshlint: noted[7], isText: (text) => digest(text) === noted[6] };
      },
      readAs: (file, path, text, metadata) => {
        const noted = metadataOf(path, text, metadata);
        if (!noted) return;
        const was = this.storedMetadata.get(path);
        if (!was || was.some((v, i) => v !== noted[i])) this.changed = true;
        this.usedMetadata.set(path, noted);
      },
      set: (file, text, parsed) => {
        // JSON would turn .inf, .nan and -0 into other values: such a file is parsed on every run.
        if (!parsed.resources.every((m) => survivesJson(m.data))) return;
        const ids = parsed.resources.map((m, i) => digest(file, String(i), JSON.stringify(m.data)).slice(0, OBJECT_KEY_CHARS));
        const entry: Entry = { file, parsed, ids };
        const k = entryKey(file, digest(text));
        this.used.set(k, entry);
        this.remember(k, entry);
        this.changed = true;
      },
      ranges: (parsed) => {
        const entry = this.entryOf.get(parsed);
        if (!entry) return undefined;
        return {
          get: (key) => (entry.ranges && Object.hasOwn(entry.ranges, key) ? entry.ranges[key] : undefined),
          set: (key, range) => {
            (entry.ranges ??= {})[key] = range;
            this.read?.lines.delete(entry);
            this.changed = true;
          },
        };
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
        this.read?.lines.delete(entry);
        entry.schema = entry.parsed.resources.map(() => null);
        this.changed = true;
      }
      const report = madeSchemaReport(index, r);
      if (report && entry.schema![position] == null) {
        entry.schema![position] = report;
        this.read?.lines.delete(entry);
        this.changed = true;
      }
    }
  }

  /**
   * What runRulesKeeping needs to reuse the last run's checks under the same configuration, settings, working folder
   * and rules (`world` names anything else the checks depend on): the objects' keys, and the last run's objects
   * that are not in `index`, rebuilt from their files' entries.
   */
  keptRun(
    index: ResourceIndex,
    inputs: { config: Config; cwd: string; rules: readonly Rule[]; complete: NonNullable<KeptRunInputs["complete"]> },
  ): { world: string; inputs: KeptRunInputs } {
    const world = digest(VERSION, BUILD, stableJson(inputs.config), stableJson(index.settings), inputs.cwd, inputs.rules.map((r) => r.meta.id).join(","));
    const previous = this.usedChecks.get(world) ?? this.storedChecks.get(world);
    const dataKey = (r: Resource) => `${r.origin.kind}:${r.id}:${digest(JSON.stringify(r.data)).slice(0, OBJECT_KEY_CHARS)}`;
    const objectKey = (r: Resource): string | undefined => {
      if (r.origin.kind === "file") {
        const place = this.places.get(r.data);
        return place?.entry.ids[place.position];
      }
      // A document that could not be read is its identity and place, nothing else (see load/unreadable.ts).
      if (r.origin.kind === "unreadable") return `unreadable:${r.origin.file ?? ""}:${r.origin.document ?? ""}:${r.id}`;
      // Assumed objects and --crds CRDs are few: named by their data.
      return r.origin.kind === "installation" || r.origin.kind === "crds" ? dataKey(r) : undefined;
    };
    const textKey = (r: Resource): string => {
      const place = r.origin.kind === "file" ? this.places.get(r.data) : undefined;
      return place ? place.key.slice(0, OBJECT_KEY_CHARS) : (objectKey(r) ?? "");
    };
    const previousObjects = (keys: readonly string[]): ReadonlyMap<string, Resource> | undefined => {
      const byId = new Map<string, { entry: Entry; position: number }>();
      for (const entry of [...this.stored.values(), ...this.used.values()]) entry.ids.forEach((id, position) => byId.set(id, { entry, position }));
      const raw: RawResource[] = [];
      for (const key of keys) {
        const at = byId.get(key);
        const m = at?.entry.parsed.resources[at.position];
        // Assumed objects come back by themselves (see completeChange); anything else must be in a file's entry.
        if (!at || !m) return undefined;
        raw.push({ apiVersion: m.data.apiVersion as string, kind: m.data.kind as string, data: m.data, origin: { kind: "file", file: at.entry.file, document: m.document, locate: () => undefined } });
      }
      const crds = index.all(K.CustomResourceDefinition);
      const made = resourcesFromRaw([...crds, ...raw], index.settings).slice(crds.length);
      return new Map(made.map((r, i) => [keys[i]!, r]));
    };
    return {
      world,
      inputs: {
        objectKey,
        textKey,
        ...(previous ? { previous } : {}),
        previousObjects: (keys) => previousObjects(keys.filter((k) => !k.startsWith("installation:"))),
        complete: inputs.complete,
      },
    };
  }

  /** Keeps a run's checks for the next run under the same `world` (see keptRun). */
  keepRun(world: string, result: KeptRunResult): void {
    this.lastRun = result.stats;
    if (!result.kept) return;
    this.usedChecks.set(world, result.kept);
    if (result.stats.ran > 0 || !this.storedChecks.has(world)) this.changed = true;
  }

  /**
   * Writes the entries of this process's runs (through a temporary file, so that a reader never sees half a cache).
   * Returns why it could not, if it could not.
   */
  save(): string | undefined {
    const same = this.used.size === this.stored.size && this.usedChecks.size === this.storedChecks.size && this.usedMetadata.size === this.storedMetadata.size;
    if (!this.writable || (!this.changed && same)) return undefined;
    const temp = `${this.file}.${process.pid}.tmp`;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      // Unchanged entries are copied from the file as read, if it is still the file this run read.
      const copied = this.read && [...this.used.values()].some((e) => this.read!.lines.has(e)) ? sameFile(this.file, this.read.identity) : undefined;
      const parts: (string | Buffer)[] = [`${MARK}${FORMAT},"version":${JSON.stringify(VERSION)},"build":${JSON.stringify(BUILD)}}\n`];
      for (const [k, e] of this.used) {
        const at = copied && this.read!.lines.get(e);
        parts.push(at && copied[at[1]] === 10 ? copied.subarray(at[0], at[1] + 1) : `E${k}${JSON.stringify(e)}\n`);
      }
      for (const [k, c] of this.usedChecks) parts.push(`C${k}${JSON.stringify(c)}\n`);
      parts.push(`F${JSON.stringify([...this.usedMetadata.values()])}\n`);
      writeFileSync(temp, Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p) : p))));
      renameSync(temp, this.file);
      return undefined;
    } catch (error) {
      rmSync(temp, { force: true });
      return `cannot write the cache ${this.file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`;
    }
  }

  private remember(key: string, entry: Entry): void {
    this.entryOf.set(entry.parsed, entry);
    entry.parsed.resources.forEach((m, position) => this.places.set(m.data, { entry, key, position }));
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

const [E, C, F] = ["E", "C", "F"].map((c) => c.charCodeAt(0));

/** Where each line of `bytes` starts and ends (its line break not included). */
function lineRanges(bytes: Buffer): [number, number][] {
  const lines: [number, number][] = [];
  for (let start = 0; start < bytes.length; ) {
    const lineBreak = bytes.indexOf(10, start);
    const end = lineBreak < 0 ? bytes.length : lineBreak;
    lines.push([start, end]);
    start = end + 1;
  }
  return lines;
}

/** A file's bytes with what tells it from another file at that place later: device, inode, size and times. */
function readWithIdentity(file: string): { bytes: Buffer; identity: string } {
  const fd = openSync(file, "r");
  try {
    const info = fstatSync(fd, { bigint: true });
    // Reading a folder fails with EISDIR, as readFileSync(path) did.
    const bytes = readFileSync(fd);
    return { bytes, identity: `${info.dev}:${info.ino}:${info.size}:${info.mtimeNs}:${info.ctimeNs}` };
  } finally {
    closeSync(fd);
  }
}

/** The file's bytes if it is still the file that was read as `identity` (no other run wrote it since), else undefined. */
function sameFile(file: string, identity: string): Buffer | undefined {
  try {
    const now = readWithIdentity(file);
    return now.identity === identity ? now.bytes : undefined;
  } catch {
    return undefined;
  }
}

/** Entries as read, each checked for the shape this version writes (a damaged entry fails the whole file). */
function checkedEntries(value: readonly [string, unknown][]): [string, Entry][] {
  return value.map(([k, e]) => {
    const entry = e as Partial<Entry> | null;
    const parsed = entry?.parsed;
    if (
      typeof entry?.file !== "string" ||
      !Array.isArray(entry.ids) ||
      entry.ids.length !== parsed?.resources?.length ||
      !parsed ||
      !Array.isArray(parsed.resources) ||
      !Array.isArray(parsed.issues) ||
      typeof parsed.skippedDocuments !== "number" ||
      typeof parsed.kustomize !== "boolean" ||
      typeof parsed.fastPath !== "boolean" ||
      parsed.resources.some((r) => typeof r?.data !== "object" || r.data === null || typeof r.document !== "number" || !Array.isArray(r.base)) ||
      (entry.schema !== undefined && (!Array.isArray(entry.schema) || typeof entry.schemaKey !== "string")) ||
      (entry.ranges !== undefined && !isRanges(entry.ranges))
    ) {
      throw new Error(`entry ${k.slice(0, 12)} is not what meshlint writes`);
    }
    return [k, entry as Entry];
  });
}

/** Known ranges as written: `0`, or a start and an end that do not run backwards. */
function isRanges(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  return Object.values(value).every(
    (r: unknown) => r === 0 || (Array.isArray(r) && r.length === 2 && Number.isSafeInteger(r[0]) && Number.isSafeInteger(r[1]) && 0 <= r[0] && r[0] <= r[1]),
  );
}

/** The metadata a run notes of a file it read (see Metadata); undefined when its times are too recent to tell. */
function metadataOf(path: string, text: string, { info, at }: FileMetadata): Metadata | undefined {
  const latest = Number((info.mtimeNs > info.ctimeNs ? info.mtimeNs : info.ctimeNs) / 1_000_000n);
  if (latest > at - RACY_MS) return undefined;
  return [path, String(info.dev), String(info.ino), Number(info.size), String(info.mtimeNs), String(info.ctimeNs), digest(text), text.includes("meshlint-")];
}

function sameMetadata(noted: Metadata, info: BigIntStats): boolean {
  return noted[1] === String(info.dev) && noted[2] === String(info.ino) && noted[3] === Number(info.size) && noted[4] === String(info.mtimeNs) && noted[5] === String(info.ctimeNs);
}

/** File metadata as read (a damaged list fails the whole file). */
function checkedMetadata(value: unknown): [string, Metadata][] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error("no file list");
  return value.map((m: unknown) => {
    const ok =
      Array.isArray(m) &&
      m.length === 8 &&
      [0, 1, 2, 4, 5, 6].every((i) => typeof m[i] === "string") &&
      Number.isSafeInteger(m[3]) &&
      typeof m[7] === "boolean";
    if (!ok) throw new Error("a file's metadata is not what meshlint writes");
    return [m[0] as string, m as unknown as Metadata];
  });
}

/** Kept checks as read, each checked for the shape this version writes (a damaged one fails the whole file). */
function checkedChecks(value: readonly [string, unknown][]): [string, KeptChecks][] {
  return value.map(([k, c]) => {
    const kept = c as Partial<KeptChecks> | null;
    const list = (v: unknown) => Array.isArray(v);
    if (
      !kept ||
      !list(kept.rules) ||
      !list(kept.objects) ||
      !list(kept.texts) ||
      typeof kept.derived !== "object" ||
      kept.derived === null ||
      !list(kept.keys) ||
      !list(kept.keySets) ||
      !kept.keySets!.every(list) ||
      typeof kept.checks !== "object" ||
      kept.checks === null ||
      !Object.values(kept.checks).every((cs) => list(cs) && cs.every(isKeptCheck)) ||
      typeof kept.reads !== "object" ||
      kept.reads === null ||
      (kept.memoDigests !== undefined && (typeof kept.memoDigests !== "object" || kept.memoDigests === null || !Object.values(kept.memoDigests).every((d) => typeof d === "string")))
    ) {
      throw new Error(`checks ${k.slice(0, 12)} are not what meshlint writes`);
    }
    return [k, kept as KeptChecks];
  });
}

/** [kind place, target place, key set, reports?] (checked cheaply: there are a hundred thousand of them at 10k objects). */
const isKeptCheck = (c: unknown): boolean =>
  Array.isArray(c) && Number.isInteger(c[0]) && Number.isInteger(c[1]) && Number.isInteger(c[2]) && (c.length === 3 || (c.length === 4 && Array.isArray(c[3])));

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
