/** Text or attribute value for XML 1.0: the five entities escaped, characters XML cannot hold dropped. */
export function xml(s: string): string {
  return s
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\r/g, "&#13;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}

/** Element text, where line breaks may stay as they are. */
export function xmlText(s: string): string {
  return xml(s).replace(/&#10;/g, "\n").replace(/&#9;/g, "\t");
}
