import { readFile } from "node:fs/promises";
import { basename, extname, isAbsolute, relative, resolve } from "node:path";
import { type LintResult, lint, relint } from "../api.js";
import { MANIFEST_EXTENSIONS } from "../load/discover.js";
import { toPosix } from "../load/ignore-rules.js";
import { type LoadIssue, type LoadOptions, type LoadResult, type LoadedFile, type RawResource, load, parseManifests } from "../load/load.js";
import type { SourceFile } from "../load/source-file.js";
import { looksLikeHelmTemplate } from "../load/templates.js";

/** What one file contributed to the index. */
interface FileEntry {
  readonly loaded: LoadedFile;
  readonly resources: readonly RawResource[];
  readonly issues: readonly LoadIssue[];
  readonly source?: SourceFile;
}

/** Files whose change alters how everything is read: the next lint reloads the whole workspace. */
const SETTINGS_FILES = new Set([".meshlint.yaml", ".meshlint.yml", ".meshlintignore", ".gitignore", ".meshlint-baseline.json"]);

/** A workspace folder's paths: what lint() shows for a file, and whether a file lies inside it. */
export class WorkspaceFolder {
  constructor(readonly root: string) {}

  /** The path lint() shows for an absolute path. */
  display(path: string): string {
    return toPosix(relative(this.root, path)) || basename(path);
  }

  /** Whether a path lies in the workspace: a document elsewhere must not join its index (a false resource-duplicate). */
  contains(path: string): boolean {
    const rel = relative(this.root, path);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  }

  absolute(file: string): string {
    return isAbsolute(file) ? file : resolve(this.root, file);
  }
}

/**
 * A workspace kept warm for the language server: the repository is read once; afterwards only the files that
 * changed (open editor buffers, or files changed on disk) are parsed again before each lint, and only the rule
 * checks those files' objects can change run again (relint()). A full lint, with this workspace as its loader, runs
 * first, after a settings file changed, when a CRD or a template changed, and whenever something is rendered.
 */
export class WarmWorkspace extends WorkspaceFolder {
  private entries: Map<string, FileEntry> | undefined;
  /** Issues about several files at once (skipped templates), from the last full read. */
  private shared: LoadIssue[] = [];
  private skippedDocuments = 0;
  /** Kustomizations and charts from the last full read. */
  private templates: { kustomizations: readonly string[]; charts: readonly string[] } = { kustomizations: [], charts: [] };
  /** Editor buffers by displayed path, with the entry parsed from each version. */
  private readonly buffers = new Map<string, { text: string; entry?: FileEntry }>();
  /** Files read from disk before they were first shown or after they changed. */
  private readonly stale = new Set<string>();
  fullReads = 0;
  /** Lints that re-ran only what the changed files could alter. */
  relints = 0;
  /** The last lint, with the files it read, when its rule checks were kept (nothing rendered). */
  private last: { readonly result: LintResult; readonly files: ReadonlyMap<string, FileEntry> } | undefined;
  /** The files the loader handed to the last full lint. */
  private handed: ReadonlyMap<string, FileEntry> | undefined;

  setBuffer(path: string, text: string): void {
    const file = this.display(path);
    if (this.buffers.get(file)?.text !== text) this.buffers.set(file, { text });
  }

  /** The editor closed it: the file on disk counts again. */
  dropBuffer(path: string): void {
    const file = this.display(path);
    if (this.buffers.delete(file)) this.stale.add(file);
  }

  /** A file changed, appeared or disappeared on disk. */
  fileChanged(path: string): void {
    if (SETTINGS_FILES.has(basename(path))) {
      this.entries = undefined;
      this.last = undefined;
    } else this.stale.add(this.display(path));
  }

  async lint(): Promise<LintResult> {
    const quick = this.last && this.entries ? await this.relint(this.last) : undefined;
    if (quick) return quick;
    this.handed = undefined;
    const result = await lint(["."], { cwd: this.root, incremental: true, loader: (inputs, options) => this.load(inputs, options) });
    this.last = result.engine && this.handed ? { result, files: this.handed } : undefined;
    return result;
  }

  /** Re-runs what the files changed since the last lint can alter; undefined when that needs a full lint. */
  private async relint(last: { readonly result: LintResult; readonly files: ReadonlyMap<string, FileEntry> }): Promise<LintResult | undefined> {
    const now = await this.current();
    const changed = new Set([...last.files.keys(), ...now.keys()].filter((f) => last.files.get(f) !== now.get(f)));
    // A template or a Kustomize input changes what is rendered: only a full lint knows.
    if ([...changed].some((f) => last.files.get(f)?.loaded.status === "skipped" || now.get(f)?.loaded.status === "skipped")) return undefined;
    const index = last.result.index;
    const removed = [...[...changed].sort().flatMap((f) => index.ofFile(f)), ...index.unreadable().filter((r) => changed.has(r.origin.file ?? ""))];
    const added = [...changed].flatMap((f) => now.get(f)?.resources ?? []);
    const result = relint(last.result, { removed, added }, this.assemble(now), { cwd: this.root });
    if (!result) return undefined;
    this.relints++;
    this.last = { result, files: now };
    return result;
  }

  private async load(inputs: readonly string[], options: LoadOptions): Promise<LoadResult> {
    if (!this.entries) await this.readAll(inputs, options);
    const all = await this.current();
    this.handed = all;
    return this.assemble(all);
  }

  /** Every file as it is now: the last read, files changed on disk read again, editor buffers in place of files. */
  private async current(): Promise<Map<string, FileEntry>> {
    const entries = this.entries!;
    for (const file of this.stale) {
      if (this.buffers.has(file)) continue;
      const entry = await this.fromDisk(file, entries.get(file));
      if (entry) entries.set(file, entry);
      else entries.delete(file);
    }
    this.stale.clear();
    const all = new Map(entries);
    for (const [file, buffer] of this.buffers) {
      if (!isManifest(file)) continue;
      buffer.entry ??= fromText(file, buffer.text, entries.get(file));
      all.set(file, buffer.entry);
    }
    return all;
  }

  private assemble(all: ReadonlyMap<string, FileEntry>): LoadResult {
    const sorted = [...all.keys()].sort();
    const pick = <T>(f: (e: FileEntry) => readonly T[]): T[] => sorted.flatMap((file) => f(all.get(file)!));
    let resources: RawResource[] | undefined;
    const sources = new Map<string, SourceFile>();
    for (const file of sorted) {
      const source = all.get(file)!.source;
      if (source) sources.set(file, source);
    }
    return {
      files: sorted.map((file) => all.get(file)!.loaded),
      // Only a full lint reads every object; a relint takes the changed files' objects from the entries, and
      // gathering 10k objects after each edit was a tenth of its CPU.
      get resources() {
        return (resources ??= pick((e) => e.resources));
      },
      issues: [...pick((e) => e.issues), ...this.shared],
      skippedDocuments: this.skippedDocuments,
      sources,
      unmatched: [],
      ...this.templates,
    };
  }

  /** Reads everything with the real loader and splits what it found by file. */
  private async readAll(inputs: readonly string[], options: LoadOptions): Promise<void> {
    this.fullReads++;
    const result = await load(inputs, options);
    const entries = new Map<string, { loaded: LoadedFile; resources: RawResource[]; issues: LoadIssue[]; source?: SourceFile }>();
    for (const loaded of result.files) {
      const source = result.sources.get(loaded.file);
      entries.set(loaded.file, { loaded, resources: [], issues: [], ...(source ? { source } : {}) });
    }
    for (const r of result.resources) entries.get(r.origin.file ?? "")?.resources.push(r);
    this.shared = [];
    for (const issue of result.issues) {
      const entry = issue.ruleId === "template-skipped" ? undefined : entries.get(issue.file);
      if (entry) entry.issues.push(issue);
      else this.shared.push(issue);
    }
    this.skippedDocuments = result.skippedDocuments;
    this.templates = { kustomizations: result.kustomizations, charts: result.charts };
    this.entries = entries;
    this.stale.clear();
  }

  private async fromDisk(file: string, before: FileEntry | undefined): Promise<FileEntry | undefined> {
    if (!isManifest(file)) return undefined;
    let text: string;
    try {
      text = await readFile(this.absolute(file), "utf8");
    } catch {
      return undefined;
    }
    return fromText(file, text, before);
  }
}

const isManifest = (file: string): boolean => MANIFEST_EXTENSIONS.has(extname(file).toLowerCase());

/** A file's entry from its text; a file the full read skipped (a template, a Kustomize input) stays skipped. */
function fromText(file: string, text: string, before: FileEntry | undefined): FileEntry {
  if (before?.loaded.status === "skipped" || looksLikeHelmTemplate(text)) {
    return { loaded: { file, resources: 0, status: "skipped" }, resources: [], issues: before?.issues ?? [] };
  }
  const parsed = parseManifests(file, text);
  const broken = parsed.issues.some((i) => i.ruleId === "yaml-syntax-error" || i.ruleId === "yaml-alias-limit-exceeded");
  return {
    loaded: { file, resources: parsed.resources.length, status: broken ? "parse-error" : "ok" },
    resources: parsed.resources,
    issues: parsed.issues,
    source: parsed.source,
  };
}
