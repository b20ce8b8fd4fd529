/**
 * Which VirtualService route rules and matches can never take traffic, because Envoy tries routes in order and an
 * earlier one takes the request first. Follows the checks istioctl runs with Istio's validation
 * (pkg/config/validation: unreachable HTTP, TCP and TLS rules), in our own terms:
 *
 * - a rule after a rule without `match` (a catch-all) is never used;
 * - a match equal to an earlier one (ignoring its `name`) is never used, and a rule all of whose matches repeat
 *   matches of earlier rules is never used;
 * - an HTTP match that an earlier HTTP match covers (every request it matches, the earlier one matches too) is
 *   never used. Coverage is judged conservatively: field by field, a field the earlier match does not set covers
 *   anything, and anything not understood (regular expressions, unknown fields) covers only its exact repeat.
 *   URIs are compared as istioctl compares them: a `prefix` covers a longer `prefix` (or an equal URI match);
 *   an `exact` URI is not judged covered by a `prefix`.
 */
import { type FieldPath, type Json, type JsonObject, type Resource, asArray, asNumber, asObject, asString, asStringMap, isObject, spec } from "../model/resource.js";

export type RouteSection = "http" | "tcp" | "tls";

export interface MatchRef {
  readonly section: RouteSection;
  /** Index of the route rule in its section. */
  readonly rule: number;
  /** Index of the match in the rule's `match` list. */
  readonly match: number;
  readonly path: FieldPath;
}

export interface UnreachableRule {
  readonly section: RouteSection;
  readonly rule: number;
  /** The rule's `match` list, or the rule itself when it has none. */
  readonly path: FieldPath;
  /** `afterCatchAll`: an earlier rule has no match; `repeated`: every match repeats an earlier rule's; `covered`: every match is repeated or covered by earlier rules' matches. */
  readonly reason: "afterCatchAll" | "repeated" | "covered";
  /** The earlier rule (the catch-all, or the rule whose match covers this rule's first match). */
  readonly by: number;
}

export interface ShadowedMatch extends MatchRef {
  /** The earlier match that takes its traffic. */
  readonly by: MatchRef;
  /** True for an exact repeat, false for a broader earlier match. */
  readonly repeated: boolean;
}

export interface RouteOrderAnalysis {
  readonly unreachable: readonly UnreachableRule[];
  readonly shadowed: readonly ShadowedMatch[];
}

const SECTIONS: readonly RouteSection[] = ["http", "tcp", "tls"];

interface SeenMatch {
  readonly ref: MatchRef;
  readonly key: string;
  readonly value: JsonObject;
}

export function analyzeRouteOrder(vs: Resource): RouteOrderAnalysis {
  const unreachable: UnreachableRule[] = [];
  const shadowed: ShadowedMatch[] = [];
  for (const section of SECTIONS) {
    let catchAll = -1;
    const seen: SeenMatch[] = [];
    asArray(spec(vs)[section]).forEach((value, i) => {
      const rule = asObject(value);
      if (!rule) return;
      const path: FieldPath = ["spec", section, i];
      const matches = asArray(rule.match);
      const at: FieldPath = matches.length ? [...path, "match"] : path;
      if (catchAll >= 0) {
        unreachable.push({ section, rule: i, path: at, reason: "afterCatchAll", by: catchAll });
        return;
      }
      if (matches.length === 0) {
        catchAll = i;
        return;
      }
      let allRepeated = true;
      let allCovered = true;
      let firstBy = -1;
      matches.forEach((m, j) => {
        const match = asObject(m) ?? {};
        const ref: MatchRef = { section, rule: i, match: j, path: [...path, "match", j] };
        const key = matchKey(match, section);
        const repeat = seen.find((s) => s.key === key);
        const cover = repeat ?? (section === "http" ? seen.find((s) => httpMatchCovers(s.value, match)) : undefined);
        if (cover) shadowed.push({ ...ref, by: cover.ref, repeated: cover === repeat });
        const earlierRepeat = seen.find((s) => s.ref.rule < i && s.key === key);
        const earlierCover = earlierRepeat ?? (section === "http" ? seen.find((s) => s.ref.rule < i && httpMatchCovers(s.value, match)) : undefined);
        if (!earlierRepeat) allRepeated = false;
        if (!earlierCover) allCovered = false;
        else if (firstBy < 0) firstBy = earlierCover.ref.rule;
        if (!repeat) seen.push({ ref, key, value: match });
      });
      if (allRepeated) unreachable.push({ section, rule: i, path: at, reason: "repeated", by: firstBy });
      else if (allCovered) unreachable.push({ section, rule: i, path: at, reason: "covered", by: firstBy });
    });
  }
  return { unreachable, shadowed };
}

/** A rule's display name as istioctl prints it: its `name` in quotes, else `#index`. */
export function ruleLabel(vs: Resource, section: RouteSection, rule: number): string {
  const name = section === "http" ? asString(asObject(asArray(spec(vs)[section])[rule])?.name) : undefined;
  return name ? `"${name}"` : `#${rule}`;
}

/** Same traffic, same key: keys sorted, the match's `name` (a label, not a condition) left out. */
function matchKey(match: JsonObject, section: RouteSection): string {
  if (section !== "http") return canonicalJson(match);
  return canonicalJson(Object.fromEntries(Object.entries(match).filter(([k]) => k !== "name")));
}

function canonicalJson(value: Json | undefined): string {
  if (Array.isArray(value)) return `[${value.map((v) => canonicalJson(v)).join(",")}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Fields that only label a match; they select nothing. */
const LABEL_FIELDS = new Set(["name", "statPrefix"]);

/** Whether every request `b` matches is also matched by `a` (false when that cannot be shown). */
export function httpMatchCovers(a: JsonObject, b: JsonObject): boolean {
  for (const [field, value] of Object.entries(a)) {
    if (LABEL_FIELDS.has(field) || value === null || value === undefined) continue;
    const other = b[field];
    switch (field) {
      case "uri":
        if (b.ignoreUriCase === true && a.ignoreUriCase !== true) return false;
        if (!stringMatchCovers(value, other, false)) return false;
        break;
      case "scheme":
      case "method":
      case "authority":
        if (!stringMatchCovers(value, other, true)) return false;
        break;
      case "headers":
        if (!mapCovers(value, other, true)) return false;
        break;
      case "queryParams":
        if (!mapCovers(value, other, false)) return false;
        break;
      case "withoutHeaders": {
        // `a` rejects requests carrying these headers: `b` must reject them too, in the same way.
        const mine = asObject(value) ?? {};
        const theirs = lowerKeys(asObject(other) ?? {});
        for (const [k, v] of Object.entries(lowerKeys(mine))) if (canonicalJson(theirs[k]) !== canonicalJson(v)) return false;
        break;
      }
      case "ignoreUriCase":
        break;
      case "port":
        if (asNumber(value) !== asNumber(other)) return false;
        break;
      case "sourceNamespace":
        if (value !== other) return false;
        break;
      case "sourceLabels": {
        const mine = asStringMap(value) ?? {};
        const theirs = asStringMap(other) ?? {};
        for (const [k, v] of Object.entries(mine)) if (theirs[k] !== v) return false;
        break;
      }
      case "gateways": {
        const mine = new Set(asArray(value));
        const theirs = asArray(other);
        if (theirs.length === 0 || theirs.some((g) => !mine.has(g))) return false;
        break;
      }
      default:
        if (canonicalJson(value) !== canonicalJson(other)) return false;
    }
  }
  return true;
}

/** Header (case-insensitive names) or query parameter matches: each of `a`'s must be matched at least as broadly in `b`. */
function mapCovers(a: Json, b: Json | undefined, caseInsensitive: boolean): boolean {
  const fold = (o: JsonObject) => (caseInsensitive ? lowerKeys(o) : o);
  const mine = fold(asObject(a) ?? {});
  const theirs = fold(asObject(b) ?? {});
  for (const [k, v] of Object.entries(mine)) {
    if (!(k in theirs)) return false;
    if (!stringMatchCovers(v, theirs[k], true)) return false;
  }
  return true;
}

function lowerKeys(o: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));
}

/**
 * Whether StringMatch `a` matches every value `b` matches. An empty `a` (`{}`: the value is present) covers
 * any `b` that is set; `prefixCoversExact` lets a prefix cover an exact value it starts.
 */
function stringMatchCovers(a: Json, b: Json | undefined, prefixCoversExact: boolean): boolean {
  const mine = asObject(a);
  const theirs = asObject(b);
  if (!mine) return false;
  if (!theirs) return false;
  const keys = Object.keys(mine).filter((k) => mine[k] !== null && mine[k] !== undefined);
  if (keys.length === 0) return true;
  if (keys.length > 1) return canonicalJson(mine) === canonicalJson(theirs);
  const exact = asString(mine.exact);
  const prefix = asString(mine.prefix);
  if (exact !== undefined) return asString(theirs.exact) === exact;
  if (prefix !== undefined) {
    const p = asString(theirs.prefix);
    if (p !== undefined) return p.startsWith(prefix);
    const e = asString(theirs.exact);
    return prefixCoversExact && e !== undefined && e.startsWith(prefix);
  }
  return canonicalJson(mine) === canonicalJson(theirs);
}
