import type { Document } from "yaml";
import type { FieldPath } from "../base/json.js";
import type { SourceSpan } from "./origin.js";
import { isEmptyDocument, locateInDocument, parseYamlStream } from "./yaml.js";

/**
 * One input file's text. The YAML syntax tree is needed only to turn a field path into a position, which only
 * files with diagnostics need; so it is dropped after loading and rebuilt on demand (the parse is deterministic,
 * so document indexes and offsets are the same the second time).
 */
export class SourceFile {
  private documents: Document.Parsed[] | undefined;
  private nonEmpty: Document.Parsed[] | undefined;
  private lineStarts: number[] | undefined;

  constructor(
    /** Path shown to users (relative to the working directory, `/`-separated). */
    readonly file: string,
    readonly text: string,
    /** What the parsers read when it differs from the text (same length; see protectGluedColons). */
    private readonly parsedText: string = text,
  ) {}

  parse(): Document.Parsed[] {
    this.documents ??= parseYamlStream(this.parsedText);
    return this.documents;
  }

  forgetSyntaxTree(): void {
    this.documents = undefined;
    this.nonEmpty = undefined;
  }

  /** `document` numbers the non-empty documents of the stream (see isEmptyDocument). */
  locate(document: number, path: FieldPath, part?: "key" | "value"): SourceSpan | undefined {
    this.nonEmpty ??= this.parse().filter((d) => !isEmptyDocument(d));
    const doc = this.nonEmpty[document];
    if (!doc) return undefined;
    const range = locateInDocument(doc, this.parsedText, path, part);
    return range ? this.span(range.start, range.end) : undefined;
  }

  span(start: number, end: number): SourceSpan {
    const from = this.position(start);
    const to = this.position(Math.max(start, end));
    return { file: this.file, start, end, line: from.line, column: from.column, endLine: to.line, endColumn: to.column };
  }

  /** 1-based line and column (UTF-16 code units, as the `yaml` parser counts them). */
  position(offset: number): { line: number; column: number } {
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
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
    const starts = (this.lineStarts ??= computeLineStarts(this.text));
    const start = starts[line - 1];
    if (start === undefined) return "";
    const end = starts[line] ?? this.text.length;
    return this.text.slice(start, end).replace(/\r?\n$/, "");
  }
}

function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
  return starts;
}
