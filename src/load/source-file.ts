import type { Document } from "yaml";
import type { FieldPath } from "../base/json.js";
import type { SourceSpan } from "./origin.js";
import { type YamlStream, isEmptyDocument, locateInDocument, parseYamlStream } from "./yaml.js";

/**
 * One input file's text. The YAML syntax tree is needed only to turn a field path into a position, which only
 * files with diagnostics need; so it is dropped after loading and rebuilt on demand (the parse is deterministic,
 * so document indexes and offsets are the same the second time).
 */
export class SourceFile {
  private stream: YamlStream | undefined;
  private nonEmpty: Document.Parsed[] | undefined;
  private lineStarts: number[] | undefined;

  constructor(
    /** Path shown to users (relative to the working directory, `/`-separated). */
    readonly file: string,
    readonly text: string,
    /**
     * What the parsers read when it differs from the text: the same length, with lone CRs as LFs (lineBreaksAsLf)
     * and some colons swapped (protectGluedColons). Lines are counted in it, so a lone CR ends a line.
     */
    private readonly parsedText: string = text,
  ) {}

  parse(): YamlStream {
    this.stream ??= parseYamlStream(this.parsedText);
    return this.stream;
  }

  forgetSyntaxTree(): void {
    this.stream = undefined;
    this.nonEmpty = undefined;
  }

  /** `document` numbers the non-empty documents of the stream (see isEmptyDocument). */
  locate(document: number, path: FieldPath, part?: "key" | "value"): SourceSpan | undefined {
    this.nonEmpty ??= this.parse().documents.filter((d) => !isEmptyDocument(d));
    const doc = this.nonEmpty[document];
    if (!doc) return undefined;
    const range = locateInDocument(doc, this.parsedText, path, part);
    return range ? this.span(range.start, range.end) : undefined;
  }

  span(start: number, end: number): SourceSpan {
    // A range that runs to the end of a CRLF line stops before the CR.
    let stop = Math.max(start, end);
    while (stop > start + 1 && (this.text[stop - 1] === "\r" || this.text[stop - 1] === "\n")) stop--;
    const from = this.position(start);
    const to = this.position(stop);
    return { file: this.file, start, end: stop, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  }

  /** 1-based line and column (UTF-16 code units, as the `yaml` parser counts them). */
  position(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= computeLineStarts(this.parsedText));
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
    const starts = (this.lineStarts ??= computeLineStarts(this.parsedText));
    const start = starts[line - 1];
    if (start === undefined) return "";
    let end = starts[line] ?? this.text.length;
    while (end > start && (this.text[end - 1] === "\n" || this.text[end - 1] === "\r")) end--;
    return this.text.slice(start, end);
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
