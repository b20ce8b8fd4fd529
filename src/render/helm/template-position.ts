import type { FieldPath } from "../../base/json.js";

/**
 * Positions in a Helm template. A template is Go text that becomes YAML only when rendered, so it cannot be parsed;
 * but its literal lines mostly are the rendered lines, with values substituted. A field path is followed through
 * the literal key lines by indentation, the way a reader would; where the template computes structure
 * (`{{ toYaml … | nindent 4 }}`, `include`), the deepest literal line reached is the answer.
 */

interface Line {
  readonly start: number;
  /** Indentation of the text after a list dash (`- key:` counts as the key's column). */
  readonly indent: number;
  readonly dashIndent: number | undefined;
  /** The text after the indentation and any list dash. */
  readonly body: string;
  readonly bodyStart: number;
}

/** A byte range in the template text. */
export interface TemplateRange {
  readonly start: number;
  readonly end: number;
}

export function templateLines(text: string): { lines: Line[]; segments: Line[][] } {
  const lines: Line[] = [];
  const segments: Line[][] = [[]];
  let offset = 0;
  for (const raw of text.split("\n")) {
    const start = offset;
    offset += raw.length + 1;
    const trimmed = raw.trim();
    if (/^---(\s|$)/.test(raw)) {
      segments.push([]);
      continue;
    }
    if (!trimmed || trimmed.startsWith("#") || /^\{\{.*\}\}$/.test(trimmed) || trimmed.startsWith("{{/*")) continue;
    const lead = raw.length - raw.trimStart().length;
    const dash = /^-(\s+|$)/.exec(trimmed);
    const body = dash ? trimmed.slice(dash[0].length) : trimmed;
    const line: Line = {
      start,
      indent: dash ? lead + dash[0].length : lead,
      dashIndent: dash ? lead : undefined,
      body,
      bodyStart: start + (raw.length - raw.trimStart().length) + (dash ? dash[0].length : 0),
    };
    lines.push(line);
    segments[segments.length - 1]!.push(line);
  }
  return { lines, segments: segments.filter((s) => s.length > 0) };
}

/** The template segment (between `---` lines) that most likely produced a rendered document of this kind. */
export function segmentFor(segments: readonly Line[][], kind: string | undefined, occurrence: number): Line[] {
  if (segments.length <= 1) return segments[0] ?? [];
  const ofKind = kind ? segments.filter((s) => s.some((l) => l.indent === 0 && new RegExp(`^kind:\\s*["']?${escape(kind)}["']?\\s*$`).test(l.body))) : [];
  const pool = ofKind.length ? ofKind : segments;
  return pool[Math.min(occurrence, pool.length - 1)] ?? [];
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The range of the deepest literal line of `path`, its value when the whole path was found and a value is asked. */
export function locateInTemplate(segment: readonly Line[], path: FieldPath, part: "key" | "value" | undefined): TemplateRange | undefined {
  let block: readonly Line[] = segment;
  let parent = -1;
  // A list may start at its key's own column (`http:` then `- route:` under it), so after a key its items may sit at
  // the key's indentation; after a list item they must sit deeper.
  let parentIsKey = false;
  let found: Line | undefined;
  let keyFound: { line: Line; key: string } | undefined;
  let complete = true;
  for (const seg of path) {
    if (typeof seg === "number") {
      const dashes = block.filter((l) => l.dashIndent !== undefined && (parentIsKey ? l.dashIndent >= parent : l.dashIndent > parent));
      const level = Math.min(...dashes.map((l) => l.dashIndent ?? Infinity));
      const items = dashes.filter((l) => l.dashIndent === level);
      // A `range` loop writes one item that renders as many: every rendered item maps to it.
      const item = items[seg] ?? items[items.length - 1];
      if (!item) {
        complete = false;
        break;
      }
      const from = block.indexOf(item);
      const rest = block.slice(from + 1);
      const end = rest.findIndex((l) => (l.dashIndent !== undefined ? l.dashIndent <= level : l.indent <= level));
      block = [item, ...(end < 0 ? rest : rest.slice(0, end))];
      parent = level;
      parentIsKey = false;
      found = item;
      keyFound = undefined;
    } else {
      const keyed = block.filter((l) => l.indent > parent && keyOf(l.body) !== undefined);
      const level = Math.min(...keyed.map((l) => l.indent));
      const line = keyed.find((l) => l.indent === level && keyOf(l.body) === seg);
      if (!line) {
        complete = false;
        break;
      }
      const from = block.indexOf(line);
      const rest = block.slice(from + 1);
      const end = rest.findIndex((l) => l.indent <= line.indent || (l.dashIndent !== undefined && l.dashIndent < line.indent));
      block = end < 0 ? rest : rest.slice(0, end);
      parent = line.indent;
      parentIsKey = true;
      found = line;
      keyFound = { line, key: seg };
    }
  }
  if (!found) return segment[0] ? lineRange(segment[0]) : undefined;
  if (keyFound && complete && part !== "key") {
    const value = valueRange(keyFound.line);
    if (value) return value;
  }
  if (keyFound) {
    const keyText = /^("[^"]*"|'[^']*'|[^:]+)/.exec(keyFound.line.body)?.[0] ?? keyFound.key;
    return { start: keyFound.line.bodyStart, end: keyFound.line.bodyStart + keyText.length };
  }
  return lineRange(found);
}

function keyOf(body: string): string | undefined {
  const m = /^(?:"([^"]+)"|'([^']+)'|([^\s:"'{][^:]*?))\s*:(\s|$)/.exec(body);
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

function valueRange(line: Line): TemplateRange | undefined {
  const m = /^(?:"[^"]*"|'[^']*'|[^:]+?)\s*:\s+(.*?)\s*(#.*)?$/.exec(line.body);
  if (!m || !m[1]) return undefined;
  const at = line.body.indexOf(m[1], line.body.indexOf(":") + 1);
  return { start: line.bodyStart + at, end: line.bodyStart + at + m[1].length };
}

function lineRange(line: Line): TemplateRange {
  return { start: line.bodyStart, end: line.bodyStart + Math.max(1, line.body.length) };
}

/** The template line whose text is the rendered line's (for YAML errors in rendered output), when there is one. */
export function sameLine(text: string, renderedLine: string): TemplateRange | undefined {
  const want = renderedLine.trim();
  if (!want) return undefined;
  let offset = 0;
  let hit: TemplateRange | undefined;
  for (const raw of text.split("\n")) {
    if (raw.trim() === want) {
      if (hit) return hit;
      const lead = raw.length - raw.trimStart().length;
      hit = { start: offset + lead, end: offset + lead + want.length };
    }
    offset += raw.length + 1;
  }
  return hit;
}
