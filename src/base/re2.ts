/**
 * Regular expressions with Go's RE2 semantics, in linear time whatever the pattern and the text. `matches` and CRD
 * `pattern`s run on @bufbuild/re2 (the engine @bufbuild/cel uses; compiled patterns are cached, so a schema's or a
 * rule's literal pattern is compiled once). @bufbuild/re2 only answers "does it match", so `find`/`findAll`, which
 * need match positions, run on re2js, the RE2 port it was forked from, whose matcher reports them. JavaScript
 * regexes are never used for patterns from data: they backtrack, and a 37-character header value can then take
 * longer than anyone waits.
 */
import { RE2JS } from "@bufbuild/re2";
import { RE2JS as PositionalRE2 } from "re2js";

const CACHE_LIMIT = 2048;
const re2Cache = new Map<string, RE2JS>();
const positionalCache = new Map<string, PositionalRE2>();

function remember<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  // Patterns can come from data (`self.matches(self.pattern)`); keep the cache bounded.
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/**
 * Patterns longer than this are refused: RE2's parser takes time quadratic in the length of a literal run, and no
 * schema, CEL rule or mesh field needs more (Istio and Gateway API cap regex fields at 1024 characters).
 */
export const MAX_PATTERN_LENGTH = 16 * 1024;

/** Compiles with RE2 syntax, throwing Go-like errors for invalid patterns. */
export function compileRe2(pattern: string): RE2JS {
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new Error(`error parsing regexp: pattern longer than ${MAX_PATTERN_LENGTH} characters: \`${pattern.slice(0, 40)}…\``);
  }
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

/**
 * RE2 as ajv's `code.regExp` engine, so that CRD `pattern`s are evaluated as the apiserver evaluates them (Go's
 * regexp, unanchored) and never backtrack. ajv calls it when it compiles a schema, so a pattern RE2 refuses makes
 * the compilation throw. `code` is what ajv writes into standalone validator code to obtain the engine: such code
 * must import `re2Pattern` from this module under that name. ajv tells compiled patterns apart by `toString()`.
 */
export const re2Pattern = Object.assign(
  (pattern: string): { test(text: string): boolean; toString(): string } => {
    const compiled = compileRe2(pattern);
    return { test: (text: string) => compiled.test(text), toString: () => `re2:${pattern}` };
  },
  { code: "re2Pattern" },
);

/** Go's Regexp.FindString. */
export function findFirst(text: string, pattern: string): string {
  return findAll(text, pattern, 1)[0] ?? "";
}

/** Go's Regexp.FindAllString(text, limit): at most `limit` matches when limit >= 0, empty matches handled as Go does. */
export function findAll(text: string, pattern: string, limit = -1): string[] {
  compileRe2(pattern);
  const matcher = remember(positionalCache, pattern, () => PositionalRE2.compile(pattern)).matcher(text);
  const out: string[] = [];
  let previousEnd = -1;
  for (let pos = 0; pos <= text.length && (limit < 0 || out.length < limit); ) {
    if (!matcher.find(pos)) break;
    const start = matcher.start();
    const end = matcher.end();
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
    if (accept) out.push(text.slice(start, end));
  }
  return out;
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
