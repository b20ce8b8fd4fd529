/**
 * Regular expressions with Go's RE2 semantics. `matches` runs on @bufbuild/re2 (compiled patterns are cached, so a
 * rule's literal pattern is compiled once). @bufbuild/re2 only answers "does it match", so `find`/`findAll`, which
 * need match positions, translate the (already RE2-validated) pattern into an equivalent JS RegExp; JS backtracking
 * picks the same leftmost-first match as Go. Constructs with no JS equivalent on Node 20 (flag groups after the
 * start, `(?U)`, negated POSIX classes, `\S` inside brackets) are reported as errors rather than approximated.
 */
import { RE2JS } from "@bufbuild/re2";

const CACHE_LIMIT = 2048;
const re2Cache = new Map<string, RE2JS>();
const jsCache = new Map<string, RegExp>();

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  // Patterns can come from data (`self.matches(self.pattern)`); keep the cache bounded.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** Compiles with RE2 syntax, throwing Go-like errors for invalid patterns. */
export function compileRe2(pattern: string): RE2JS {
  return remember(re2Cache, pattern, () => {
    try {
      return RE2JS.compile(pattern);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`error parsing regexp: ${reason}: \`${pattern}\``, { cause: error });
    }
  });
}

/** RE2 `matches`: true when the pattern matches anywhere in the text (unanchored, like Go's MatchString). */
export function re2Matches(text: string, pattern: string): boolean {
  return compileRe2(pattern).test(text);
}

/** Go's Regexp.FindString. */
export function findFirst(text: string, pattern: string): string {
  return findAll(text, pattern, 1)[0] ?? "";
}

/** Go's Regexp.FindAllString(text, limit): at most `limit` matches when limit >= 0, empty matches handled as Go does. */
export function findAll(text: string, pattern: string, limit = -1): string[] {
  compileRe2(pattern);
  const regex = remember(jsCache, pattern, () => translateToJs(pattern));
  const out: string[] = [];
  let previousEnd = -1;
  for (let pos = 0; pos <= text.length && (limit < 0 || out.length < limit); ) {
    regex.lastIndex = pos;
    const match = regex.exec(text);
    if (!match) break;
    const start = match.index;
    const end = start + match[0].length;
    let accept = true;
    if (end === start) {
      // Go refuses an empty match directly after the previous match and moves on by one rune.
      if (start === previousEnd) accept = false;
      const code = text.codePointAt(start);
      pos = start + (code !== undefined && code > 0xffff ? 2 : 1);
    } else {
      pos = end;
    }
    previousEnd = end;
    if (accept) out.push(match[0]);
  }
  return out;
}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: "0-9A-Za-z",
  alpha: "A-Za-z",
  ascii: "\\u{0}-\\u{7f}",
  blank: "\\t ",
  cntrl: "\\u{0}-\\u{1f}\\u{7f}",
  digit: "0-9",
  graph: "!-~",
  lower: "a-z",
  print: " -~",
  punct: "!-\\/:-@\\[-`\\{-~",
  space: "\\t\\n\\u{b}\\f\\r ",
  upper: "A-Z",
  word: "0-9A-Za-z_",
  xdigit: "0-9A-Fa-f",
};

const GENERAL_CATEGORY = /^(C|Cc|Cf|Co|Cs|L|Ll|Lm|Lo|Lt|Lu|M|Mc|Me|Mn|N|Nd|Nl|No|P|Pc|Pd|Pe|Pf|Pi|Po|Ps|S|Sc|Sk|Sm|So|Z|Zl|Zp|Zs)$/;

const unsupported = (what: string) => new Error(`regex feature not supported by find/findAll: ${what}`);

function literal(char: string): string {
  return /^[A-Za-z0-9 _]$/.test(char) ? char : `\\u{${char.codePointAt(0)!.toString(16)}}`;
}

function unicodeProperty(negated: boolean, name: string): string {
  const invert = name.startsWith("^");
  const bare = invert ? name.slice(1) : name;
  const property = GENERAL_CATEGORY.test(bare) ? bare : `Script=${bare}`;
  return `\\${negated !== invert ? "P" : "p"}{${property}}`;
}

/** Translates an RE2 pattern (Go syntax) into a JS RegExp with the same matches. */
export function translateToJs(pattern: string): RegExp {
  let rest = pattern;
  const flags = new Set<string>();
  for (let m = /^\(\?([imsU]+)\)/.exec(rest); m; m = /^\(\?([imsU]+)\)/.exec(rest)) {
    for (const f of m[1]!) flags.add(f);
    rest = rest.slice(m[0].length);
  }
  if (flags.has("U")) throw unsupported("(?U)");
  const dotAll = flags.has("s");
  const multiLine = flags.has("m");
  const chars = Array.from(rest);
  let out = "";
  let i = 0;

  const escape = (inClass: boolean): string => {
    const c = chars[i + 1];
    if (c === undefined) throw unsupported("trailing backslash");
    i += 2;
    switch (c) {
      case "A":
        return "(?<![\\s\\S])";
      case "z":
        return "(?![\\s\\S])";
      case "b":
      case "B":
      case "d":
      case "D":
      case "w":
      case "W":
        return `\\${c}`;
      case "s":
        return inClass ? "\\t\\n\\f\\r " : "[\\t\\n\\f\\r ]";
      case "S":
        if (inClass) throw unsupported("\\S inside a character class");
        return "[^\\t\\n\\f\\r ]";
      case "a":
        return "\\x07";
      case "f":
      case "t":
      case "n":
      case "r":
      case "v":
        return `\\${c}`;
      case "p":
      case "P": {
        if (chars[i] === "{") {
          const close = chars.indexOf("}", i);
          const name = chars.slice(i + 1, close).join("");
          i = close + 1;
          return unicodeProperty(c === "P", name);
        }
        const name = chars[i++] ?? "";
        return unicodeProperty(c === "P", name);
      }
      case "x": {
        if (chars[i] === "{") {
          const close = chars.indexOf("}", i);
          const hex = chars.slice(i + 1, close).join("");
          i = close + 1;
          return `\\u{${hex}}`;
        }
        const hex = chars.slice(i, i + 2).join("");
        i += 2;
        return `\\u{${hex}}`;
      }
      case "Q": {
        let end = i;
        while (end < chars.length && !(chars[end] === "\\" && chars[end + 1] === "E")) end++;
        const quoted = chars.slice(i, end).map(literal).join("");
        i = end + 2;
        return quoted;
      }
      default:
        if (/[0-7]/.test(c)) {
          let digits = c;
          while (digits.length < 3 && /[0-7]/.test(chars[i] ?? "")) digits += chars[i++];
          return `\\u{${parseInt(digits, 8).toString(16)}}`;
        }
        if (/[A-Za-z0-9]/.test(c)) throw unsupported(`\\${c}`);
        return literal(c);
    }
  };

  const characterClass = (): string => {
    let body = "[";
    i++;
    if (chars[i] === "^") {
      body += "^";
      i++;
    }
    let first = true;
    while (i < chars.length) {
      const c = chars[i]!;
      if (c === "]" && !first) {
        i++;
        return `${body}]`;
      }
      first = false;
      if (c === "[" && chars[i + 1] === ":") {
        const close = chars.indexOf("]", i);
        const name = chars.slice(i + 2, close - 1).join("");
        if (name.startsWith("^")) throw unsupported("negated POSIX class");
        const expansion = POSIX_CLASSES[name];
        if (expansion === undefined) throw unsupported(`[:${name}:]`);
        body += expansion;
        i = close + 1;
      } else if (c === "\\") {
        body += escape(true);
      } else if (c === "-") {
        body += "-";
        i++;
      } else {
        body += literal(c);
        i++;
      }
    }
    throw unsupported("unterminated character class");
  };

  while (i < chars.length) {
    const c = chars[i]!;
    switch (c) {
      case "\\":
        out += escape(false);
        continue;
      case "[":
        out += characterClass();
        continue;
      case ".":
        out += dotAll ? "[\\s\\S]" : "[^\\n]";
        break;
      case "^":
        out += multiLine ? "(?<![^\\n])" : "(?<![\\s\\S])";
        break;
      case "$":
        out += multiLine ? "(?![^\\n])" : "(?![\\s\\S])";
        break;
      case "(": {
        const head = chars.slice(i, i + 4).join("");
        if (head.startsWith("(?P<")) {
          out += "(?<";
          i += 4;
          continue;
        }
        if (head.startsWith("(?:") || (head.startsWith("(?<") && head[3] !== "=" && head[3] !== "!")) {
          out += head.slice(0, 3);
          i += 3;
          continue;
        }
        if (head.startsWith("(?")) throw unsupported("flag groups after the start of the pattern");
        out += "(";
        break;
      }
      case ")":
      case "|":
      case "*":
      case "+":
      case "?":
        out += c;
        break;
      case "{": {
        const repeat = /^\{\d+(,\d*)?\}/.exec(chars.slice(i).join(""));
        if (repeat) {
          out += repeat[0];
          i += repeat[0].length;
          continue;
        }
        out += literal(c);
        break;
      }
      default:
        out += literal(c);
    }
    i++;
  }
  return new RegExp(out, `gu${flags.has("i") ? "i" : ""}`);
}

/** Why Go's regexp (RE2 syntax) refuses a pattern, or undefined when it compiles. */
export function regexCompileProblem(re: string): string | undefined {
  try {
    compileRe2(re);
    return undefined;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return message.replace(/error parsing regexp: /g, "").replace(/: `[^`]*`/g, "").replace(/\.$/, "");
  }
}
