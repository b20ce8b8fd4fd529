import { createHash } from "node:crypto";
import { basename, dirname, relative } from "node:path";
import type { FieldPath, JsonObject } from "../base/json.js";
import type { Origin, SourceSpan } from "./origin.js";
import { asArray, deepFreeze, isObject } from "../base/json.js";
import { type ListFolder, discover } from "./discover.js";
import { IgnoreRules, toPosix } from "./ignore-rules.js";
import { type KnownRanges, SourceFile } from "./source-file.js";
import { type FileMetadata, type RegularRead, readRegularFile, readRegularFileSync } from "../base/read-file.js";
import { phase } from "../base/timing.js";
import {
  ChartLocator,
  KUSTOMIZATION_FILES,
  isKustomizeDocument,
  kustomizeInputsOf,
  looksLikeHelmTemplate,
  readText,
} from "./templates.js";
import { fastStream } from "./fast-yaml.js";
import { unreadableData } from "./unreadable.js";
import { protectGluedColons, restoreGluedColons } from "./go-yaml.js";
import { inspectData } from "./data-shape.js";
import { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_TOTAL_SIZE, MAX_ALIAS_COUNT, MAX_DOCUMENTS_PER_FILE, MAX_NESTING_DEPTH } from "./limits.js";
import { type YamlProblem, documentValue, isEmptyDocument } from "./yaml.js";

export { DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_TOTAL_SIZE } from "./limits.js";

export interface LoadOptions {
  readonly cwd: string;
  /** Standard input, when `-` is among the inputs: its bytes (decoded and checked as a file's are), or its text. */
  readonly stdin?: string | Uint8Array;
  /** The file standard input stands for (absolute): its displayed name; it replaces that file if found on disk. */
  readonly stdinFilename?: string;
  readonly maxFileSize?: number;
  /** Bytes of files read in all; the files past it (in the inputs' order) are skipped with a finding. */
  readonly maxTotalSize?: number;
  /** How folders are listed (tests make one fail: a test run as root can read any folder). */
  readonly listFolder?: ListFolder;
  /** gitignore-style globs from the config file, anchored at its folder. */
  readonly ignore?: { readonly dir: string; readonly patterns: readonly string[] };
  /** Parses kept from earlier runs (--cache). */
  readonly parsed?: ParsedFileStore;
  /**
   * A one-off run: the texts of files read from disk are dropped once parsed, and read again (checked against a
   * digest) for the few files whose findings need positions (see SourceFile.forget).
   */
  readonly forgetTexts?: boolean;
}

/** A manifest as written, before the model gives it a namespace. */
export interface RawResource {
  readonly apiVersion: string;
  readonly kind: string;
  readonly data: JsonObject;
  readonly origin: Origin;
}

/** A problem with an input itself (not with a resource): reported under one of the `core` rules. */
export interface LoadIssue {
  readonly ruleId: string;
  readonly messageId: string;
  readonly data: Readonly<Record<string, string | number>>;
  readonly file: string;
  readonly span?: SourceSpan;
  /** How to fix it, when the message alone does not say. */
  readonly help?: string;
}

export interface LoadedFile {
  readonly file: string;
  readonly resources: number;
  /** `rendered`: a kustomization, patch, base or chart file that meshlint rendered and linted through the output. */
  readonly status: "ok" | "parse-error" | "skipped" | "rendered";
  /** For a file skipped as a template: of which tool. */
  readonly template?: "helm" | "kustomize";
}

export interface LoadResult {
  readonly files: readonly LoadedFile[];
  readonly resources: readonly RawResource[];
  readonly issues: readonly LoadIssue[];
  /** Non-empty documents that are not Kubernetes objects (no apiVersion or kind). */
  readonly skippedDocuments: number;
  readonly sources: ReadonlyMap<string, SourceFile>;
  /** Inputs that named nothing (missing paths, globs without a match). */
  readonly unmatched: readonly string[];
  /** Kustomization files among the inputs (absolute paths), for rendering. */
  readonly kustomizations: readonly string[];
  /** Folders of the Helm charts the inputs hold files of (absolute paths), for rendering. */
  readonly charts: readonly string[];
}

const READ_CONCURRENCY = 16;

export async function load(inputs: readonly string[], options: LoadOptions): Promise<LoadResult> {
  const { cwd } = options;
  const maxFileSize = options.maxFileSize ?? DEFAULT_MAX_FILE_SIZE;
  const ignores = IgnoreRules.forCwd(cwd, options.ignore);
  const discovered = await discover(inputs, cwd, ignores, options.listFolder);
  const stdinPath = discovered.stdin ? options.stdinFilename : undefined;
  // An editor's unsaved buffer: the piped text stands for the file, which is not read from disk as well.
  const found = stdinPath ? { ...discovered, files: discovered.files.filter((f) => f.path !== stdinPath) } : discovered;
  phase("discover");
  const show = (path: string) => toPosix(relative(cwd, path)) || basename(path);

  const files: LoadedFile[] = [];
  const resources: RawResource[] = [];
  const issues: LoadIssue[] = [];
  const sources = new Map<string, SourceFile>();
  let skippedDocuments = 0;
  const helmFiles: string[] = [];
  const kustomizeFiles: string[] = [];

  for (const { path, reason } of found.unreadable) {
    issues.push({ ruleId: "file-unreadable", messageId: "unreadable", data: { reason: `a folder meshlint cannot list: ${reason}` }, file: show(path) });
  }
  for (const path of found.ignored) {
    issues.push({ ruleId: "file-skipped", messageId: "ignored", data: {}, file: show(path) });
    files.push({ file: show(path), resources: 0, status: "skipped" });
  }

  const kustomizeInputs = new Set<string>();
  const kustomizations: string[] = [];
  for (const { path } of found.files) {
    if (KUSTOMIZATION_FILES.has(basename(path))) {
      kustomizations.push(path);
      for (const input of kustomizeInputsOf(path, readText(path) ?? "")) kustomizeInputs.add(input);
    }
  }
  const charts = new ChartLocator(cwd);
  const chartRoots = new Set<string>();

  // Raising --max-file-size alone lets such a file through: the total is never below one file's limit.
  const maxTotalSize = options.maxTotalSize ?? Math.max(DEFAULT_MAX_TOTAL_SIZE, maxFileSize);
  const store = options.parsed;
  // Files an earlier run read and that are unchanged since are not read (only counted against the total, as if read).
  const known = found.files.map(({ path }): SizedOutcome | undefined => {
    const kept = store?.unchanged?.(show(path), path);
    return kept && kept.size <= maxFileSize ? { kept, size: kept.size } : undefined;
  });
  const texts = await readWithinTotal(found.files.map((f) => f.path), maxFileSize, maxTotalSize, known);
  const entries: { file: string; read: ReadOutcome; path?: string }[] = found.files.map((f, i) => ({
    file: show(f.path),
    path: f.path,
    read: texts[i] as ReadOutcome,
  }));
  if (stdinPath && ignores.ignores(stdinPath)) {
    issues.push({ ruleId: "file-skipped", messageId: "ignored", data: {}, file: show(stdinPath) });
    files.push({ file: show(stdinPath), resources: 0, status: "skipped" });
  } else if (stdinPath) entries.push({ file: show(stdinPath), path: stdinPath, read: stdinManifest(options.stdin) });
  else if (found.stdin) entries.push({ file: "<stdin>", read: stdinManifest(options.stdin) });
  phase("read");

  const take = (file: string, parsed: ReturnType<typeof parseManifests>) => {
    sources.set(file, parsed.source);
    // One by one: spreading 125,000 resources into push() overflows the stack.
    for (const r of parsed.resources) resources.push(r);
    for (const i of parsed.issues) issues.push(i);
    skippedDocuments += parsed.skippedDocuments;
    if (parsed.kustomize) kustomizeFiles.push(file);
    const shown = parsed.resources.filter((r) => r.origin.kind === "file").length;
    files.push({ file, resources: shown, status: isBroken(parsed.issues) ? "parse-error" : "ok", ...(parsed.kustomize ? { template: "kustomize" as const } : {}) });
  };
  for (const { file, read, path } of entries) {
    if ("skip" in read) {
      issues.push({ ruleId: read.skip === "unreadable" ? "file-unreadable" : "file-skipped", messageId: read.skip, data: read.data, file });
      files.push({ file, resources: 0, status: "skipped" });
      continue;
    }
    if (path && (KUSTOMIZATION_FILES.has(basename(path)) || kustomizeInputs.has(path))) {
      kustomizeFiles.push(file);
      files.push({ file, resources: 0, status: "skipped", template: "kustomize" });
      continue;
    }
    const chart = path ? charts.chartHolding(path) : undefined;
    if (chart) chartRoots.add(chart);
    if ("kept" in read) {
      // Read before as a plain manifest (not a template), and unchanged since.
      take(file, keptManifests(file, path!, read.kept, options.parsed!));
      continue;
    }
    if (chart || looksLikeHelmTemplate(read.text)) {
      helmFiles.push(file);
      files.push({ file, resources: 0, status: "skipped", template: "helm" });
      continue;
    }
    const parsed = parseManifests(file, read.text, path ? options.parsed : undefined);
    if (isBroken(parsed.issues) && read.text.includes("{{")) {
      // Template syntax that is not YAML: a template of some tool, not a broken manifest.
      helmFiles.push(file);
      files.push({ file, resources: 0, status: "skipped", template: "helm" });
      continue;
    }
    if (path && read.metadata) store?.readAs?.(file, path, read.text, read.metadata);
    // A file with a finding keeps its text: reporters show its lines after lint() (whose --staged tree is gone).
    if (options.forgetTexts && read.metadata && path && parsed.issues.length === 0) forgetText(parsed.source, path, read.text);
    take(file, parsed);
  }

  if (helmFiles.length > 0) issues.push(templateIssue("helm", helmFiles));
  if (kustomizeFiles.length > 0) issues.push(templateIssue("kustomize", kustomizeFiles));
  phase("parse");
  return { files, resources, issues, skippedDocuments, sources, unmatched: found.unmatched, kustomizations, charts: [...chartRoots] };
}

export function templateIssue(tool: "helm" | "kustomize", files: readonly string[]): LoadIssue {
  const dirs = [...new Set(files.map((f) => dirname(f)))];
  const shown = dirs.slice(0, 3).join(", ") + (dirs.length > 3 ? `, and ${dirs.length - 3} more` : "");
  return {
    ruleId: "template-skipped",
    messageId: tool,
    data: { count: files.length, dirs: shown, dir: dirs[0] ?? "." },
    file: files[0] ?? "",
  };
}

/** One file's parse as plain data (what --cache keeps): its objects by document, and the problems found. */
export interface ParsedManifests {
  readonly resources: readonly { readonly data: JsonObject; readonly document: number; readonly base: FieldPath }[];
  /** Documents that could not be read but still name an object (apiVersion, kind, metadata): looked up, never linted. */
  readonly unreadable?: readonly { readonly data: JsonObject; readonly document: number }[];
  readonly issues: readonly LoadIssue[];
  readonly skippedDocuments: number;
  readonly kustomize: boolean;
  /** Whether js-yaml read it (see SourceFile). */
  readonly fastPath: boolean;
  /** Where the first document past the document limit starts, when js-yaml stopped there (the rest was not read). */
  readonly readTo?: number;
}

/** Keeps files' parses between runs (--cache): a file is parsed again only when its text or the key changed. */
export interface ParsedFileStore {
  get(file: string, text: string): ParsedManifests | undefined;
  set(file: string, text: string, parsed: ParsedManifests): void;
  /**
   * The kept parse of a file (`file` as shown, `path` absolute) that an earlier run read as a plain manifest and that
   * is unchanged since by its metadata, so that it need not be read; undefined when it must be read.
   */
  unchanged?(file: string, path: string): UnchangedFile | undefined;
  /** Notes that a file read as `text` (with the metadata it had then) is a plain manifest: see unchanged(). */
  readAs?(file: string, path: string, text: string, metadata: FileMetadata): void;
  /** The ranges located in earlier runs in the text a parse this store gave or kept was made of. */
  ranges?(parsed: ParsedManifests): KnownRanges | undefined;
}

/** A file known unchanged since an earlier run (see ParsedFileStore.unchanged). */
export interface UnchangedFile {
  readonly parsed: ParsedManifests;
  readonly size: number;
  /** Whether its text holds `meshlint-` (see SourceFile.mayHoldDirectives). */
  readonly mentionsMeshlint: boolean;
  /** Whether a text is the one that was parsed. */
  isText(text: string): boolean;
}

/**
 * Turns one file's text into resources, collecting YAML problems as issues. Files without errors or aliases take
 * the fast path (js-yaml, no syntax tree); the others are parsed with `yaml`, which reports each problem at its
 * position. Either way a resource's origin names its document by its number among the non-empty documents,
 * which both parsers agree on, so positions are found later by reading the file again (see SourceFile).
 */
export function parseManifests(
  file: string,
  text: string,
  store?: ParsedFileStore,
): { source: SourceFile; resources: RawResource[]; issues: LoadIssue[]; skippedDocuments: number; kustomize: boolean } {
  const { parsedText, glued } = parsedTextOf(text);
  let parsed = store?.get(file, text);
  if (!parsed) {
    parsed = parseText(file, text, parsedText, glued);
    store?.set(file, text, parsed);
  }
  const source = sourceOf(file, text, parsedText, parsed);
  const known = store?.ranges?.(parsed);
  if (known) source.rememberRangesIn(known);
  return manifestsOf(file, source, parsed);
}

/** A text as the parsers read it (see SourceFile): lone CRs as LFs, glued colons protected (`glued`: some were). */
function parsedTextOf(text: string): { parsedText: string; glued: boolean } {
  const lineBroken = lineBreaksAsLf(text);
  const glued = protectGluedColons(lineBroken);
  return { parsedText: glued ?? lineBroken, glued: glued !== undefined };
}

/**
 * A file unchanged since an earlier run, from its kept parse: its text is read only if a finding, a directive or a
 * code frame needs it, and then only if it is still the text that was parsed (see SourceFile.deferred).
 */
function keptManifests(file: string, path: string, kept: UnchangedFile, store: ParsedFileStore): ReturnType<typeof parseManifests> {
  const { parsed } = kept;
  const read = () => {
    const text = sameText(path, kept.isText);
    if (text === undefined) return undefined;
    const { parsedText } = parsedTextOf(text);
    const end = keptEnd(text, parsedText, parsed.readTo);
    return end === text.length ? { text, parsedText } : { text: text.slice(0, end), parsedText: parsedText.slice(0, end) };
  };
  const source = SourceFile.deferred(file, read, parsed.fastPath, parsed.readTo, kept.mentionsMeshlint);
  const known = store.ranges?.(parsed);
  if (known) source.rememberRangesIn(known);
  return manifestsOf(file, source, parsed);
}

/** Whether a file's problems include one that made a document unreadable: the file is shown as a parse error. */
function isBroken(issues: readonly LoadIssue[]): boolean {
  return issues.some((i) => i.ruleId === "yaml-syntax-error" || i.ruleId === "yaml-alias-limit-exceeded");
}

/**
 * How much of a text a source keeps: all of it, or for a stream cut at the document limit the part read, up to the
 * end of the line of the first document not read (where the limit's finding points).
 */
function keptEnd(text: string, parsedText: string, readTo: number | undefined): number {
  if (readTo === undefined || readTo >= text.length) return text.length;
  const lineBreak = parsedText.indexOf("\n", readTo);
  return lineBreak < 0 ? text.length : lineBreak + 1;
}

/** A file's text read again, if `isText` finds it is still the text that was parsed. */
function sameText(path: string, isText: (text: string) => boolean): string | undefined {
  let bytes: Buffer;
  try {
    bytes = readRegularFileSync(path, Number.MAX_SAFE_INTEGER);
  } catch {
    return undefined;
  }
  const outcome = decodeManifest(bytes);
  return "text" in outcome && isText(outcome.text) ? outcome.text : undefined;
}

/**
 * Lets a source forget its text, read again from `path` if unchanged (by its digest). A function of its own: a
 * closure made inside load() would hold load()'s scope, and with it every text read (seen in a heap snapshot).
 */
function forgetText(source: SourceFile, path: string, text: string): void {
  if (!source.forgettable) return;
  const digest = digestOf(text);
  source.forget(() => sameText(path, (now) => digestOf(now) === digest));
}

const digestOf = (text: string): string => createHash("sha256").update(text).digest("base64");

function manifestsOf(file: string, source: SourceFile, parsed: ParsedManifests): ReturnType<typeof parseManifests> {
  const resources = parsed.resources.map(
    (m): RawResource => ({ apiVersion: m.data.apiVersion as string, kind: m.data.kind as string, data: deepFreeze(m.data), origin: fileOrigin(source, m.document, m.base) }),
  );
  // A document the syntax error made unreadable still names its object: other objects' references to it resolve,
  // so the one syntax error is not also reported as a missing object everywhere it is referenced.
  for (const m of parsed.unreadable ?? []) {
    // (A --cache record is data from disk: an entry without a readable identity is left out.)
    const meta = isObject(m.data.metadata) ? m.data.metadata : {};
    const [apiVersion, kind, name, namespace] = [m.data.apiVersion, m.data.kind, meta.name, meta.namespace];
    if (typeof apiVersion !== "string" || typeof kind !== "string" || typeof name !== "string") continue;
    const data = unreadableData({ apiVersion, kind, name, ...(typeof namespace === "string" ? { namespace } : {}) });
    resources.push({ apiVersion, kind, data, origin: unreadableOrigin(source, m.document) });
  }
  return { source, resources, issues: [...parsed.issues], skippedDocuments: parsed.skippedDocuments, kustomize: parsed.kustomize };
}

/**
 * The file as findings show it. Of a stream cut at the document limit, only the part read is kept, up to the end of
 * the line of the first document not read (where the limit's finding points): with --max-file-size raised, a 200 MB
 * stream was held whole for the run, and its line index built over all of it, to show 10,000 documents.
 */
function sourceOf(file: string, text: string, parsedText: string, parsed: ParsedManifests): SourceFile {
  if (parsed.readTo === undefined || parsed.readTo >= text.length) return new SourceFile(file, text, parsedText, parsed.fastPath);
  const kept = keptEnd(text, parsedText, parsed.readTo);
  return new SourceFile(file, detached(text.slice(0, kept)), detached(parsedText.slice(0, kept)), parsed.fastPath, parsed.readTo);
}

/**
 * A copy that does not hold on to the string it was sliced from (V8 keeps a slice as a view of the whole). The text
 * came from UTF-8, so the round trip gives the same string.
 */
const detached = (slice: string): string => Buffer.from(slice, "utf8").toString("utf8");

/** `parsedText`: the text with lone CRs as LFs and glued colons protected (`glued`), see SourceFile. */
function parseText(file: string, text: string, parsedText: string, glued: boolean): ParsedManifests {
  const fast = fastStream(parsedText);
  const source = new SourceFile(file, text, parsedText, fast !== undefined);
  const resources: { data: JsonObject; document: number; base: FieldPath }[] = [];
  const unreadable: { data: JsonObject; document: number }[] = [];
  const issues: LoadIssue[] = [];
  let skippedDocuments = 0;
  let kustomize = false;
  const take = (parsed: unknown, ordinal: number, inspected: boolean) => {
    if (parsed === undefined || parsed === null) return;
    const shape = inspected ? undefined : inspectData(parsed).problem;
    if (shape) {
      const span = source.locate(ordinal, shape.kind === "depth" ? shape.path : []) ?? source.span(0, 1);
      if (shape.kind === "expansion") issues.push({ ruleId: "yaml-alias-limit-exceeded", messageId: "aliasLimit", data: {}, file, span });
      else issues.push({ ruleId: "yaml-limit-exceeded", messageId: "depth", data: { limit: MAX_NESTING_DEPTH }, file, span });
      return;
    }
    const value = glued ? restoreGluedColons(parsed) : parsed;
    if (isKustomizeDocument(value)) {
      kustomize = true;
      return;
    }
    const found = manifestsIn(value, []);
    if (found.length === 0) skippedDocuments++;
    for (const m of found) {
      if (!m) {
        skippedDocuments++;
        continue;
      }
      resources.push({ data: m.data, document: ordinal, base: m.base });
    }
  };

  if (fast) {
    let ordinal = 0;
    for (const value of fast.documents) if (value !== null && value !== undefined) take(value, ordinal++, true);
    if (fast.overflowAt === undefined) return { resources, issues, skippedDocuments, kustomize, fastPath: true };
    issues.push(yamlIssue(file, source, { kind: "limit", limit: "documents", start: fast.overflowAt, end: fast.overflowAt + 1 }));
    return { resources, issues, skippedDocuments, kustomize, fastPath: true, readTo: fast.overflowAt };
  }
  const stream = source.parse();
  for (const p of stream.limits) issues.push(yamlIssue(file, source, p));
  let ordinal = 0;
  for (const [index, doc] of stream.documents.entries()) {
    const { value, problems, identity } = documentValue(doc, index);
    for (const p of problems) issues.push(yamlIssue(file, source, p));
    if (isEmptyDocument(doc)) continue;
    if (identity) {
      const { apiVersion, kind, name, namespace } = identity;
      unreadable.push({ data: { apiVersion, kind, metadata: { name, ...(namespace ? { namespace } : {}) } }, document: ordinal });
    }
    take(value, ordinal++, false);
  }
  return { resources, unreadable, issues, skippedDocuments, kustomize, fastPath: false };
}

function yamlIssue(file: string, source: SourceFile, p: YamlProblem): LoadIssue {
  const span = source.span(p.start, p.end);
  switch (p.kind) {
    case "syntax":
      return { ruleId: "yaml-syntax-error", messageId: "syntax", data: { detail: p.message }, file, span };
    case "duplicate-key":
      return { ruleId: "yaml-duplicate-key", messageId: "duplicateKey", data: { key: p.key }, file, span };
    case "alias-limit":
      return { ruleId: "yaml-alias-limit-exceeded", messageId: "aliasLimit", data: {}, file, span };
    case "alias-count":
      return { ruleId: "yaml-alias-limit-exceeded", messageId: "aliasCount", data: { limit: MAX_ALIAS_COUNT }, file, span };
    case "limit":
      return p.limit === "depth"
        ? { ruleId: "yaml-limit-exceeded", messageId: "depth", data: { limit: MAX_NESTING_DEPTH }, file, span }
        : { ruleId: "yaml-limit-exceeded", messageId: "documents", data: { limit: MAX_DOCUMENTS_PER_FILE.toLocaleString("en-US") }, file, span };
  }
}

/**
 * A lone CR ends a line for YAML (and for go-yaml and js-yaml), but `yaml` mis-reads some CR-only files; an LF in
 * its place keeps every offset, so positions stay exact.
 */
export function lineBreaksAsLf(text: string): string {
  return text.includes("\r") ? text.replace(/\r(?!\n)/g, "\n") : text;
}

/** A document's objects: itself, or the items of a `kind: List` (`undefined` marks an item that is no object). */
function manifestsIn(value: unknown, base: FieldPath): ({ data: JsonObject; base: FieldPath } | undefined)[] {
  if (!isObject(value) || typeof value.apiVersion !== "string" || typeof value.kind !== "string" || !value.kind) return [];
  if (value.kind === "List" || (value.kind.endsWith("List") && Array.isArray(value.items))) {
    return asArray(value.items).map((item, i) => {
      const inner = manifestsIn(item, [...base, "items", i]);
      return inner.length === 1 ? inner[0] : undefined;
    });
  }
  return [{ data: value, base }];
}

/** A document that could not be read: it names an object that is looked up, never linted, and has no positions. */
function unreadableOrigin(source: SourceFile, document: number): Origin {
  return { kind: "unreadable", file: source.file, document, locate: () => undefined };
}

function fileOrigin(source: SourceFile, document: number, base: FieldPath): Origin {
  return {
    kind: "file",
    file: source.file,
    document,
    locate: (path, part) => source.locate(document, base.length ? [...base, ...path] : path, part),
  };
}

export type ReadOutcome =
  | { readonly text: string; readonly metadata?: FileMetadata }
  | { readonly kept: UnchangedFile }
  | { readonly skip: "binary" | "notUtf8" | "tooLarge" | "totalTooLarge" | "unreadable"; readonly data: Record<string, string | number> };

const utf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Reads the files in parallel while keeping what is held in memory near the total limit, and decides which files
 * fit in the inputs' order, so the same files are skipped whatever order the reads finish in: a file fits when the
 * files that fit before it leave room for it. A read that would pass the limit first only takes the file's size;
 * it is read afterwards if the file fits.
 */
async function readWithinTotal(paths: readonly string[], maxFileSize: number, maxTotalSize: number, known: readonly (SizedOutcome | undefined)[]): Promise<ReadOutcome[]> {
  let held = 0;
  const reserve = (size: number) => {
    if (held + size > maxTotalSize) return false;
    held += size;
    return true;
  };
  const first = await mapLimit(paths.map((path, i) => [path, i] as const), READ_CONCURRENCY, async ([path, i]) => known[i] ?? readManifest(path, maxFileSize, reserve));
  const outcomes: ReadOutcome[] = [];
  let used = 0;
  for (const [i, outcome] of first.entries()) {
    const size = outcome.size ?? 0;
    if (used + size > maxTotalSize) {
      outcomes.push({ skip: "totalTooLarge", data: { size, limit: maxTotalSize } });
      continue;
    }
    used += size;
    outcomes.push("deferred" in outcome ? await readManifest(paths[i] as string, maxFileSize, () => true) : outcome);
  }
  return outcomes;
}

type SizedOutcome = ReadOutcome & { readonly size?: number; readonly deferred?: true };

async function readManifest(path: string, maxFileSize: number, reserve: (size: number) => boolean): Promise<SizedOutcome> {
  let read: RegularRead;
  try {
    read = await readRegularFile(path, maxFileSize, reserve);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    const reason = code === "EACCES" ? "permission denied" : code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a folder" : (error as Error).message;
    return { skip: "unreadable", data: { reason } };
  }
  if ("refused" in read) {
    if (read.refused === "overTotal") return { skip: "totalTooLarge", data: {}, size: read.size ?? 0, deferred: true };
    return read.refused === "tooLarge" ? { skip: "tooLarge", data: { size: read.size ?? 0, limit: maxFileSize } } : { skip: "unreadable", data: { reason: read.reason } };
  }
  const decoded = decodeManifest(read.bytes);
  return { ...decoded, ...("text" in decoded ? { metadata: read.metadata } : {}), size: read.bytes.length };
}

/** Standard input read as a file is: bytes are decoded and checked the same way, and a BOM never shifts a column. */
function stdinManifest(stdin: string | Uint8Array | undefined): ReadOutcome {
  if (stdin === undefined) return { text: "" };
  if (typeof stdin !== "string") return decodeManifest(stdin);
  return { text: stdin.startsWith("\ufeff") ? stdin.slice(1) : stdin };
}

/** Manifest text from bytes: UTF-16, binary data and other encodings are skipped with the reason; a BOM is dropped. */
export function decodeManifest(bytes: Uint8Array): ReadOutcome {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return { skip: "notUtf8", data: { encoding: "UTF-16" } };
  }
  if (bytes.subarray(0, 8000).includes(0)) return { skip: "binary", data: {} };
  try {
    return { text: utf8.decode(bytes) };
  } catch {
    return { skip: "notUtf8", data: { encoding: "not UTF-8" } };
  }
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}
