// String helpers that take linear time whatever the input. Regexes such as /\s+$/ or /\.+$/ backtrack on a long run
// of the repeated character that does not reach the end (100,000 blanks and a letter took 21 s), and the text they
// run on comes from manifests.

/** `text` without the leading and trailing runs of `char`. */
export function trimChar(text: string, char: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text[start] === char) start++;
  while (end > start && text[end - 1] === char) end--;
  return text.slice(start, end);
}

/** `text` without the trailing run of `char`. */
export function trimCharEnd(text: string, char: string): string {
  let end = text.length;
  while (end > 0 && text[end - 1] === char) end--;
  return text.slice(0, end);
}

/** One line: each line break and the blanks around it become one space. */
export function joinLines(text: string): string {
  return text.includes("\n") ? text.split("\n").map((line, i, all) => (i === 0 ? line.trimEnd() : i === all.length - 1 ? line.trimStart() : line.trim())).join(" ") : text;
}
