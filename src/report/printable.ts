// Values from manifests reach terminals and CI logs through the human-readable formats. A line break inside a value
// would start a log line of its own (GitHub Actions obeys `::command::` lines in a job's log, so a manifest could fake
// annotations or switch meshlint's off) and escape sequences drive terminals. So the reporters never print a control
// character: messages show it as an escape sequence, code frames as a visible stand-in of the same width.

// C0 controls, DEL, C1 controls, the Unicode line and paragraph separators, and the bidirectional controls that can
// make a line read differently from what it holds.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

const escape = (c: string): string => NAMED[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;

/** `text` as one inert line: each control character written as an escape (`\n`, `\u001b`). */
export function printable(text: string): string {
  return text.replace(CONTROL, escape);
}

/**
 * A source line for a code frame: each control character becomes one visible character (a tab a space, a C0 control
 * its Unicode Control Picture, any other a replacement character), so carets under the line keep their columns.
 */
export function visibleLine(text: string): string {
  return text.replace(CONTROL, (c) => {
    if (c === "\t") return " ";
    const code = c.charCodeAt(0);
    if (code < 0x20) return String.fromCharCode(0x2400 + code);
    if (code === 0x7f) return "\u2421";
    return "\ufffd";
  });
}
