import { readRegularTextSync } from "../base/read-file.js";
import { type Document, isScalar } from "yaml";
import { SourceFile } from "../load/source-file.js";
import { documentValue, isEmptyDocument, locateInDocument, parseYamlStream } from "../load/yaml.js";
import type { FieldPath } from "../base/json.js";
import type { SourceSpan } from "../load/origin.js";

/** One YAML document of a source file (or of a patch written inline in one), with positions in that file. */
export interface SourceDoc {
  readonly value: unknown;
  /** Displayed path of the file holding it. */
  readonly file: string;
  locate(path: FieldPath, part?: "key" | "value"): SourceSpan | undefined;
}

/**
 * The source files a rendered object is traced back to (bases, patches, kustomizations, chart templates), each read
 * once per run, shown relative to the working folder. Their texts also serve the reporters' code frames and the
 * inline directives.
 */
export class SourceFiles {
  private readonly files = new Map<string, SourceFile | null>();
  private readonly docCache = new Map<string, SourceDoc[]>();

  constructor(readonly show: (abs: string) => string) {}

  file(abs: string): SourceFile | undefined {
    if (!this.files.has(abs)) {
      let text: string | undefined;
      try {
        text = readRegularTextSync(abs);
      } catch {
        text = undefined;
      }
      this.files.set(abs, text === undefined ? null : new SourceFile(this.show(abs), text));
    }
    return this.files.get(abs) ?? undefined;
  }

  /** The non-empty documents of a file, numbered as the loader numbers them. */
  docs(abs: string): SourceDoc[] {
    const cached = this.docCache.get(abs);
    if (cached) return cached;
    const source = this.file(abs);
    const out: SourceDoc[] = [];
    if (source) {
      const docs = source.parse().documents.filter((d) => !isEmptyDocument(d));
      docs.forEach((doc, n) => {
        out.push({ value: documentValue(doc, n).value, file: source.file, locate: (path, part) => source.locate(n, path, part) });
      });
    }
    this.docCache.set(abs, out);
    return out;
  }

  /**
   * The documents of a patch written inline in a YAML file (`patch: |` in a kustomization), located in that file.
   * Only literal block scalars map line for line; any other style is located at the field as a whole.
   */
  inline(abs: string, at: FieldPath): SourceDoc[] {
    const key = `${abs}\u0000${JSON.stringify(at)}`;
    const cached = this.docCache.get(key);
    if (cached) return cached;
    const out: SourceDoc[] = [];
    const source = this.file(abs);
    const holder = source?.parse().documents[0];
    const node = holder?.getIn(at as (string | number)[], true);
    if (source && holder && isScalar(node) && typeof node.value === "string" && node.range) {
      const text = node.value;
      const map = node.type === "BLOCK_LITERAL" ? blockLiteralMap(source.text, node.range[0], text) : undefined;
      const whole = () => {
        const range = locateInDocument(holder as Document.Parsed, source.text, at, "value");
        return range ? source.span(range.start, range.end) : undefined;
      };
      const docs = parseYamlStream(text).documents.filter((d) => !isEmptyDocument(d));
      docs.forEach((doc, n) => {
        out.push({
          value: documentValue(doc, n).value,
          file: source.file,
          locate: (path, part) => {
            const range = map ? locateInDocument(doc, text, path, part) : undefined;
            if (!range || !map) return whole();
            return source.span(map(range.start), map(range.end));
          },
        });
      });
    }
    this.docCache.set(key, out);
    return out;
  }

  /** Every file read, by displayed path. */
  sources(): Map<string, SourceFile> {
    const out = new Map<string, SourceFile>();
    for (const f of this.files.values()) if (f) out.set(f.file, f);
    return out;
  }
}

/**
 * Offsets in a literal block scalar's value -> offsets in the file. The value's lines are the file's lines after
 * the header (`|`, `|-`, `|2` …), less their common indentation.
 */
function blockLiteralMap(fileText: string, headerStart: number, value: string): ((offset: number) => number) | undefined {
  const firstLine = fileText.indexOf("\n", headerStart) + 1;
  if (firstLine <= 0) return undefined;
  const fileLines: number[] = [];
  for (let at = firstLine; at >= 0 && at <= fileText.length; ) {
    fileLines.push(at);
    const next = fileText.indexOf("\n", at);
    if (next < 0) break;
    at = next + 1;
  }
  const sample = fileLines.map((start) => fileText.slice(start, fileText.indexOf("\n", start) >>> 0)).find((l) => l.trim() !== "");
  const indent = sample ? sample.length - sample.trimStart().length : 0;
  const valueLines = [0];
  for (let i = value.indexOf("\n"); i >= 0; i = value.indexOf("\n", i + 1)) valueLines.push(i + 1);
  return (offset) => {
    let line = 0;
    while (line + 1 < valueLines.length && (valueLines[line + 1] ?? Infinity) <= offset) line++;
    const column = offset - (valueLines[line] ?? 0);
    const start = fileLines[line];
    return start === undefined ? fileText.length : start + indent + column;
  };
}
