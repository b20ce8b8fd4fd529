import type { FieldPath } from "../base/json.js";
import type { SourceSpan } from "./origin.js";
import { FastRanges } from "./fast-ranges.js";
import type { Range } from "./locate.js";
import { type YamlStream, isEmptyDocument, locateInDocument, parseYamlStream } from "./yaml.js";

/**
 * How many positions were looked up so far: the kept rule checks of --cache (src/engine/kept-checks.ts) note which
 * checks read positions, since such a check must run again when its objects move in their files.
 */
export const positionReads = { count: 0 };

/**
 * Ranges a file's earlier runs located (--cache): a range is a function of the text and the path alone, and
 * locating one in a file whose parse was kept means parsing the file again, by then in code the run never warmed up
 * (a tenth of a cached run's time at 10k resources went to placing its 28 findings). `0`: located, no range.
 */
export interface KnownRanges {
  get(key: string): readonly [number, number] | 0 | undefined;
  set(key: string, range: readonly [number, number] | 0): void;
}

const rangeKey = (document: number, path: FieldPath, part: "key" | "value" | undefined): string => `${document}:${part ?? ""}:${JSON.stringify(path)}`;

/**
 * One input file's text. Turning a field path into a position needs the file's structure, which only files with
 * findings need; so none is kept after loading. A file that took the fast path is read again by js-yaml with
 * positions (fast-ranges.ts), any other by `yaml`; both give the same ranges, and the parses are deterministic,
 * so document numbers and offsets are those of the first reading. The structures of the last few files located
 * are kept (findings come grouped by file), never all of them.
 */
export class SourceFile {
  /** Where lines start, as far as the text was scanned: every line break before `scanned` is counted. */
  private readonly lineStarts: number[] = [0];
  private scanned = 0;
  private texts: { readonly text: string; readonly parsedText: string } | undefined;
  private readonly readToAt: number | undefined;
  /** Whether a deferred or forgotten text could not be read back as it was parsed (the file changed meanwhile). */
  private lost = false;
  private known: KnownRanges | undefined;

  constructor(
    /** Path shown to users (relative to the working directory, `/`-separated). */
    readonly file: string,
    text: string,
    /**
     * What the parsers read when it differs from the text: the same length, with lone CRs as LFs (lineBreaksAsLf)
     * and some colons swapped (protectGluedColons). Lines are counted in it, so a lone CR ends a line.
     */
    parsedText: string = text,
    /** Whether js-yaml read it without errors or aliases (see fastDocuments). */
    private readonly fastPath = false,
    /** For a stream cut at the document limit: where the first document not read starts (the text goes on to its line's end). */
    readTo?: number,
    /** Reads the text when it was not given (see deferred). */
    private readTexts?: () => { readonly text: string; readonly parsedText: string } | undefined,
    /** For a deferred text: whether it holds `meshlint-` (see mayHoldDirectives). */
    private mentionsMeshlint?: boolean,
  ) {
    this.texts = readTexts ? undefined : { text, parsedText };
    this.readToAt = readTo;
  }

  /**
   * A file whose text is read only when asked (--cache: a file unchanged since an earlier run, whose parse was kept):
   * most such files have no findings, so their texts are never read. `read` gives undefined when the file no longer
   * holds the text that was parsed (it changed while meshlint ran): the file then has no positions, never wrong ones.
   */
  static deferred(
    file: string,
    read: () => { readonly text: string; readonly parsedText: string } | undefined,
    fastPath: boolean,
    readTo: number | undefined,
    mentionsMeshlint: boolean,
  ): SourceFile {
    return new SourceFile(file, "", "", fastPath, readTo, read, mentionsMeshlint);
  }

  get text(): string {
    return this.loaded().text;
  }

  /**
   * Whether `forget` may drop the text: a whole stream that the parsers read as it is (no lone CRs, no swapped
   * colons) and that holds no directive (applyDirectives reads the directives of every file that may hold one).
   */
  get forgettable(): boolean {
    const texts = this.texts;
    return texts !== undefined && texts.parsedText === texts.text && this.readToAt === undefined && !texts.text.includes("meshlint-");
  }

  /** Whether the text is not held now (forgotten or deferred, and not read since). */
  get forgotten(): boolean {
    return this.texts === undefined;
  }

  /**
   * Drops the text of a forgettable file until something asks for it, as for a deferred one (a one-off run keeps only
   * the texts of files with findings: at 100k resources every text held was 37 MB for the whole run). `read` must
   * return undefined unless the file still holds the text that was parsed.
   */
  forget(read: () => string | undefined): void {
    if (!this.forgettable) return;
    this.texts = undefined;
    this.mentionsMeshlint = false;
    this.readTexts = () => {
      const text = read();
      return text === undefined ? undefined : { text, parsedText: text };
    };
  }

  /** Whether the text may hold inline directives (`# meshlint-disable ...`): it holds `meshlint-`. */
  get mayHoldDirectives(): boolean {
    return this.texts ? this.texts.text.includes("meshlint-") : this.mentionsMeshlint !== false;
  }

  private get parsedText(): string {
    return this.loaded().parsedText;
  }

  private get readTo(): number {
    return this.readToAt ?? this.parsedText.length;
  }

  private loaded(): { readonly text: string; readonly parsedText: string } {
    if (!this.texts) {
      const read = this.readTexts?.();
      this.lost = read === undefined;
      this.texts = read ?? { text: "", parsedText: "" };
    }
    return this.texts;
  }

  /** Looks ranges up in `known` before locating them, and notes there the ones it locates (see KnownRanges). */
  rememberRangesIn(known: KnownRanges): void {
    this.known = known;
  }

  /** What the parsers read: the documents within the limit. */
  private get readable(): string {
    return this.readTo < this.parsedText.length ? this.parsedText.slice(0, this.readTo) : this.parsedText;
  }

  /** The `yaml` documents of the stream (parsed again on each call; nothing is kept). */
  parse(): YamlStream {
    return parseYamlStream(this.readable);
  }

  /** `document` numbers the non-empty documents of the stream (see isEmptyDocument). */
  locate(document: number, path: FieldPath, part?: "key" | "value"): SourceSpan | undefined {
    positionReads.count++;
    const key = this.known && rangeKey(document, path, part);
    const known = key === undefined ? undefined : this.known!.get(key);
    if (known !== undefined) {
      // A known range holds for the text that was parsed: a file that no longer holds it has no positions.
      this.loaded();
      return known === 0 || this.lost ? undefined : this.span(known[0], known[1]);
    }
    const range = locatorOf(this, this.readable, this.fastPath)(document, path, part);
    if (key !== undefined && !this.lost) this.known!.set(key, range ? [range.start, range.end] : 0);
    return range ? this.span(range.start, range.end) : undefined;
  }

  span(from: number, end: number): SourceSpan {
    // A range never reaches past the text (a parser may point one character past an error at the end of the file),
    // and a range that runs to the end of a CRLF line stops before the CR.
    const start = Math.min(Math.max(0, from), this.text.length);
    let stop = Math.min(Math.max(start, end), this.text.length);
    while (stop > start + 1 && (this.text[stop - 1] === "\r" || this.text[stop - 1] === "\n")) stop--;
    const first = this.position(start);
    const last = this.position(stop);
    return { file: this.file, start, end: stop, line: first.line, column: first.column, endLine: last.line, endColumn: last.column };
  }

  /** 1-based line and column (UTF-16 code units, as the `yaml` parser counts them). */
  position(offset: number): { line: number; column: number } {
    const starts = this.lineStartsThrough(offset);
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (starts[lo] ?? 0) + 1 };
  }

  lineText(line: number): string {
    let starts = this.lineStarts;
    while (starts.length <= line && this.scanned < this.parsedText.length) starts = this.lineStartsThrough(this.scanned);
    const start = starts[line - 1];
    if (start === undefined) return "";
    let end = starts[line] ?? this.text.length;
    while (end > start && (this.text[end - 1] === "\n" || this.text[end - 1] === "\r")) end--;
    return this.text.slice(start, end);
  }

  /**
   * The line starts up to the first one past `offset`, found as far as asked only: a finding near the top of a large
   * file (the document limit's, in a 200 MB stream) indexed every line of it, hundreds of MB for one position.
   */
  private lineStartsThrough(offset: number): number[] {
    const starts = this.lineStarts;
    const text = this.parsedText;
    while (this.scanned <= offset && this.scanned < text.length) {
      const lineBreak = text.indexOf("\n", this.scanned);
      if (lineBreak < 0) {
        this.scanned = text.length;
        break;
      }
      starts.push(lineBreak + 1);
      this.scanned = lineBreak + 1;
    }
    return starts;
  }
}

type Locator = (document: number, path: FieldPath, part: "key" | "value" | undefined) => Range | undefined;

/**
 * Locators of the files located last, most recent last. The language server places every finding of the
 * repository again after each edit: with fewer places kept than files with findings, each edit parsed them all
 * again (with 8 kept, a fifth of each edit's time on the 10k bench repository).
 */
const recent = new Map<SourceFile, Locator>();
const RECENT_FILES = 64;

function locatorOf(source: SourceFile, text: string, fastPath: boolean): Locator {
  let locator = recent.get(source);
  if (locator) {
    recent.delete(source);
  } else {
    const ranges = fastPath ? FastRanges.of(text) : undefined;
    if (ranges) {
      locator = (document, path, part) => ranges.locate(document, path, part);
    } else {
      const documents = parseYamlStream(text).documents.filter((d) => !isEmptyDocument(d));
      locator = (document, path, part) => {
        const doc = documents[document];
        return doc && locateInDocument(doc, text, path, part);
      };
    }
    if (recent.size >= RECENT_FILES) recent.delete(recent.keys().next().value!);
  }
  recent.set(source, locator);
  return locator;
}
