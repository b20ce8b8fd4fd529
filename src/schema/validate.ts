import type { ErrorObject, ValidateFunction } from "ajv";
import { formatPath, isObject, setOwn } from "../base/json.js";
import type { FieldPath, Json, JsonObject } from "../model/resource.js";
import { checkCelRules } from "./cel-rules.js";
import { type CelValidation, type SchemaNode, acceptsNull } from "./convert.js";
import { addTo } from "../base/multimap.js";

export interface SchemaProblem {
  readonly kind: "schema" | "cel";
  readonly path: FieldPath;
  readonly part?: "key" | "value";
  /** One sentence naming the field and what was expected. */
  readonly detail: string;
  /** Set for an unknown field: its path (so that a caller can tell whether another schema knows it). */
  readonly unknownField?: FieldPath;
  /** A newer release of the CRD accepts this (e.g. "istio-master"): the pinned release is older than the manifest. */
  readonly acceptedBy?: string;
}

/** A CEL rule meshlint could not run (it does not compile, or the data is too large for its cost bound). */
export interface SkippedRule {
  readonly rule: string;
  readonly path: FieldPath;
  readonly detail: string;
}

export interface ValidationResult {
  readonly problems: readonly SchemaProblem[];
  readonly skipped: readonly SkippedRule[];
}

/**
 * Validates a manifest against a CRD version's schema the way the apiserver does: nulls of non-nullable fields
 * are pruned and defaults applied first (on a copy), then the structural schema (ajv), list-type uniqueness and
 * the CEL rules run on the defaulted object.
 */
export function validateAgainstSchema(data: JsonObject, schema: SchemaNode, validate: ValidateFunction): ValidationResult {
  const object = prepared(data, schema);
  const problems: SchemaProblem[] = [];
  const skipped: SkippedRule[] = [];
  // Every node at or above a schema error: its CEL rules are not run. A set of prefixes, not a scan of the errors
  // per node: 10,000 bad items of a list whose items carry a rule took 10^8 comparisons (9 s, found by the fuzz sweep).
  const invalidAt = new Set<string>();
  if (!validate(object)) {
    for (const problem of describeErrors(validate.errors ?? [], object)) {
      problems.push(problem);
      for (let depth = 0; depth <= problem.path.length; depth++) invalidAt.add(pointer(problem.path.slice(0, depth)));
    }
  }
  walk(object, schema, [], (value, node, path) => {
    const listType = node["x-kubernetes-list-type"];
    if (Array.isArray(value) && (listType === "set" || listType === "map")) problems.push(...duplicates(value, node, [...path]));
    const rules = node["x-kubernetes-validations"];
    if (!rules || value === undefined || value === null || invalidAt.has(pointer(path))) return;
    // Transition rules compare with the stored object; there is none here.
    for (const [rule, outcome] of checkCelRules(rules.filter((rule) => !/\boldSelf\b/.test(rule.rule)), value, node)) {
      if (outcome.status === "failed") problems.push(celProblem(rule, path, outcome.message));
      else if (outcome.status === "skipped") skipped.push({ rule: rule.rule, path: [...path], detail: outcome.detail });
    }
  });
  return { problems, skipped };
}

/** A mutable copy of parsed data (several times faster than structuredClone on plain JSON). */
function cloneJson(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) return value.map(cloneJson);
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = cloneJson((value as Record<string, unknown>)[k]);
  return out;
}

/**
 * The object after the apiserver's pruning of nulls and its defaulting, both along the structural schema only. The
 * parsed data is shared and never changed: objects and lists are copied only on the way to a change, so that the
 * usual manifest (no null to prune, no default missing) is validated as it is, without a copy.
 */
function prepared(value: unknown, node: SchemaNode | undefined): unknown {
  if (!node || typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const next = prepared(item, node.items);
      if (next !== item) (out ??= value.slice())[i] = next;
    }
    return out ?? value;
  }
  const object = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const k in object) {
    const v = object[k];
    const child = childSchema(node, k);
    const pruned = v === null && child !== undefined && !acceptsNull(child);
    const next = pruned ? undefined : prepared(v, child);
    if (!out && (pruned || next !== v)) {
      // The keys before this one, unchanged and in their order; this one and the rest follow.
      out = {};
      for (const before in object) {
        if (before === k) break;
        setOwn(out, before, object[before]);
      }
    }
    if (out && !pruned) setOwn(out, k, next);
  }
  const properties = node.properties;
  if (properties) {
    for (const k in properties) {
      const child = properties[k]!;
      if ((out ?? object)[k] === undefined && child.default !== undefined) {
        out ??= { ...object };
        setOwn(out, k, prepared(cloneJson(child.default), child));
      }
    }
  }
  return out ?? object;
}

/** The structural schema node for a path (array indexes step into `items`). */
export function schemaAt(root: SchemaNode, path: FieldPath): SchemaNode | undefined {
  let node: SchemaNode | undefined = root;
  for (const seg of path) {
    if (!node) return undefined;
    node = typeof seg === "number" ? node.items : childSchema(node, seg);
  }
  return node;
}

const childSchema = (node: SchemaNode, key: string): SchemaNode | undefined =>
  node.properties?.[key] ?? (typeof node.additionalProperties === "object" ? node.additionalProperties : undefined);

/** Visits every value that has a structural schema node with checks at or below it, depth first. */
function walk(value: unknown, node: SchemaNode | undefined, path: (string | number)[], visit: (v: unknown, n: SchemaNode, p: FieldPath) => void): void {
  if (!node || !hasChecks(node)) return;
  visit(value, node, path);
  // One path, extended and shortened on the way: a visit copies what it keeps.
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      walk(value[i], node.items, path, visit);
      path.pop();
    }
  } else if (typeof value === "object" && value !== null) {
    for (const k in value) {
      path.push(k);
      walk((value as Record<string, unknown>)[k], childSchema(node, k), path, visit);
      path.pop();
    }
  }
}

const checked = new WeakMap<SchemaNode, boolean>();

/** Whether a schema node or one below it has list-type or CEL checks (most of a schema's subtrees have none). */
function hasChecks(node: SchemaNode): boolean {
  let answer = checked.get(node);
  if (answer === undefined) {
    checked.set(node, true); // a schema that contains itself is walked, as before
    const listType = node["x-kubernetes-list-type"];
    answer =
      listType === "set" ||
      listType === "map" ||
      node["x-kubernetes-validations"] !== undefined ||
      (node.items !== undefined && hasChecks(node.items)) ||
      (typeof node.additionalProperties === "object" && hasChecks(node.additionalProperties)) ||
      Object.values(node.properties ?? {}).some(hasChecks);
    checked.set(node, answer);
  }
  return answer;
}

const pointer = (path: FieldPath) => path.map((s) => `/${String(s)}`).join("");

function duplicates(list: readonly unknown[], node: SchemaNode, path: FieldPath): SchemaProblem[] {
  const mapKeys = node["x-kubernetes-list-map-keys"];
  const keys = node["x-kubernetes-list-type"] === "map" ? (Array.isArray(mapKeys) ? mapKeys.filter((k): k is string => typeof k === "string") : []) : undefined;
  const seen = new Map<string, number>();
  const out: SchemaProblem[] = [];
  // An item's own value of a key: items may be null or of any type (the schema check reports that; an editor holds
  // `- ` while an item is typed), and a key named like an Object.prototype member must not find one.
  const field = (item: unknown, k: string): unknown => (isObject(item) && Object.hasOwn(item, k) ? item[k] : undefined);
  list.forEach((item, i) => {
    // A list-map item that is not an object has no identity: the type check reports it.
    if (keys && !isObject(item)) return;
    const identity = keys ? JSON.stringify(keys.map((k) => field(item, k) ?? null)) : JSON.stringify(item);
    const first = seen.get(identity);
    if (first === undefined) {
      seen.set(identity, i);
      return;
    }
    const what = keys
      ? keys.map((k) => `${k} ${JSON.stringify(field(item, k) ?? null)}`).join(", ")
      : JSON.stringify(item);
    const listKind = keys ? `a list keyed by ${keys.join(", ")}` : "a set";
    out.push({ kind: "schema", path: [...path, i], detail: `${formatPath(path)}[${i}] duplicates ${formatPath(path)}[${first}] (${what}); ${formatPath(path)} is ${listKind}.` });
  });
  return out;
}

const REASONS: Readonly<Record<string, string>> = {
  FieldValueRequired: "Required value",
  FieldValueForbidden: "Forbidden",
  FieldValueDuplicate: "Duplicate value",
};

function celProblem(rule: CelValidation, path: FieldPath, message: string): SchemaProblem {
  const at = [...path, ...parseFieldPath(rule.fieldPath)];
  const reason = rule.reason ? REASONS[rule.reason] : undefined;
  const where = formatPath(at) || "the object";
  const text = message.trim().replace(/\.$/, "");
  return { kind: "cel", path: at, detail: `${where}: ${reason ? `${reason}: ` : ""}${text}.` };
}

/** A rule's `fieldPath`: `.a.b`, `['a.b']` or `.a[2]`, relative to the rule's node. */
export function parseFieldPath(fieldPath: string | undefined): (string | number)[] {
  if (!fieldPath) return [];
  const out: (string | number)[] = [];
  for (const m of fieldPath.matchAll(/\.([A-Za-z_$][\w$-]*)|\[\s*'((?:[^'\\]|\\.)*)'\s*\]|\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[(\d+)\]/g)) {
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(m[2]);
    else if (m[3] !== undefined) out.push(m[3]);
    else if (m[4] !== undefined) out.push(Number(m[4]));
  }
  return out;
}

// ---- ajv errors, in words ----

const COMBINATORS = new Set(["oneOf", "anyOf", "not"]);

/**
 * One problem per failing constraint. The inner errors of a failed oneOf/anyOf/not branch are folded into it:
 * a oneOf/anyOf whose form is not self-describing quotes the first error of its closest branch.
 */
function describeErrors(errors: readonly ErrorObject[], root: unknown): SchemaProblem[] {
  const { enclosing, inside } = combinatorsOf(errors);
  const out: SchemaProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (enclosing.has(e)) continue;
    let problem = describe(e, root);
    if ((e.keyword === "oneOf" || e.keyword === "anyOf") && problem.detail.endsWith("allowed forms.")) {
      const closest = closestBranchError(e, inside.get(e) ?? []);
      if (closest) problem = { ...problem, detail: problem.detail.replace(/\.$/, `; the closest one fails because ${lowerFirst(describe(closest, root).detail)}`) };
    }
    const id = `${pointer(problem.path)} ${problem.detail}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(problem);
  }
  return out;
}

/**
 * Which errors come from inside a failed oneOf/anyOf/not's branches (on the same value or below it), and, per such
 * combinator, the other errors inside it in order. Found through each error's own value and the values above it,
 * not by comparing every error with every combinator: 10,000 bad items of a Gateway's addresses took 4 s that way
 * (found by the full fuzz sweep).
 */
function combinatorsOf(errors: readonly ErrorObject[]): { enclosing: Set<ErrorObject>; inside: Map<ErrorObject, ErrorObject[]> } {
  const byValue = new Map<string, ErrorObject[]>();
  for (const e of errors) if (COMBINATORS.has(e.keyword)) addTo(byValue, e.instancePath, e);
  const enclosing = new Set<ErrorObject>();
  const inside = new Map<ErrorObject, ErrorObject[]>();
  if (byValue.size === 0) return { enclosing, inside };
  for (const e of errors) {
    for (let at = e.instancePath; ; at = at.slice(0, at.lastIndexOf("/"))) {
      for (const c of byValue.get(at) ?? []) {
        if (c === e || !e.schemaPath.startsWith(`${c.schemaPath}/`)) continue;
        enclosing.add(e);
        if (!COMBINATORS.has(e.keyword)) addTo(inside, c, e);
      }
      if (at === "") break;
    }
  }
  return { enclosing, inside };
}

/** The first error of the branch of a failed oneOf/anyOf that has the fewest errors (`inside`: the errors of its branches). */
function closestBranchError(combinator: ErrorObject, inside: readonly ErrorObject[]): ErrorObject | undefined {
  const prefix = `${combinator.schemaPath}/`;
  const byBranch = new Map<string, ErrorObject[]>();
  for (const e of inside) {
    const branch = e.schemaPath.slice(prefix.length).split("/")[0] ?? "";
    addTo(byBranch, branch, e);
  }
  let best: ErrorObject[] | undefined;
  for (const list of byBranch.values()) if (!best || list.length < best.length) best = list;
  return best?.[0];
}

const lowerFirst = (s: string) => (/^[A-Z][a-z]/.test(s) ? s[0]!.toLowerCase() + s.slice(1) : s);

function describe(e: ErrorObject, root: unknown): SchemaProblem {
  const path = toFieldPath(e.instancePath, root);
  const at = formatPath(path) || "the object";
  const value = valueAt(root, path);
  const p = e.params as Record<string, unknown>;
  const schema = e.parentSchema as SchemaNode | undefined;
  switch (e.keyword) {
    case "additionalProperties": {
      const field = String(p.additionalProperty);
      return { kind: "schema", path: [...path, field], part: "key", detail: `Unknown field "${field}" in ${at}.`, unknownField: [...path, field] };
    }
    case "required":
      return { kind: "schema", path, part: "key", detail: `Missing required field "${String(p.missingProperty)}" in ${at}.` };
    case "type":
      return { kind: "schema", path, detail: `${at} must be ${article(String(p.type).replace(/,null$/, ""))}, not ${describeValue(value)}.` };
    case "enum":
      return { kind: "schema", path, detail: `${at} must be one of ${listValues(p.allowedValues)}, not ${describeValue(value)}.` };
    case "const":
      return { kind: "schema", path, detail: `${at} must be ${JSON.stringify(p.allowedValue)}, not ${describeValue(value)}.` };
    case "pattern":
      return { kind: "schema", path, detail: `${at}: ${describeValue(value)} does not match the pattern ${JSON.stringify(p.pattern)}.` };
    case "format":
      return { kind: "schema", path, detail: `${at}: ${describeValue(value)} is not a valid ${String(p.format)}.` };
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      return { kind: "schema", path, detail: `${at} must be ${String(p.comparison)} ${String(p.limit)}, not ${describeValue(value)}.` };
    case "minItems":
      return { kind: "schema", path, detail: `${at} must have at least ${String(p.limit)} item${p.limit === 1 ? "" : "s"}.` };
    case "maxItems":
      return { kind: "schema", path, detail: `${at} must have at most ${String(p.limit)} items, not ${Array.isArray(value) ? value.length : "more"}.` };
    case "minLength":
      return { kind: "schema", path, detail: `${at} must be at least ${String(p.limit)} character${p.limit === 1 ? "" : "s"} long.` };
    case "maxLength":
      return { kind: "schema", path, detail: `${at} must be at most ${String(p.limit)} characters long, not ${typeof value === "string" ? value.length : "longer"}.` };
    case "minProperties":
      return { kind: "schema", path, detail: `${at} must have at least ${String(p.limit)} field${p.limit === 1 ? "" : "s"}.` };
    case "maxProperties":
      return { kind: "schema", path, detail: `${at} must have at most ${String(p.limit)} fields.` };
    case "oneOf":
    case "anyOf": {
      const branches = (Array.isArray(e.schema) ? e.schema : (schema?.[e.keyword] ?? [])) as SchemaNode[];
      return { kind: "schema", path, detail: `${at}: ${describeCombinator(e.keyword, branches, value)}` };
    }
    case "not":
      return { kind: "schema", path, detail: `${at}: ${describeNot(schema?.not)}` };
    default:
      return { kind: "schema", path, detail: `${at} ${e.message ?? "is invalid"}.` };
  }
}

/** Istio writes "at most one of these fields" as oneOf over `required` branches; name the fields. */
function describeCombinator(keyword: "oneOf" | "anyOf", branches: readonly SchemaNode[], value: unknown): string {
  const required = branches.flatMap((b) => b.required ?? []);
  const onlyRequired = branches.every((b) => Object.keys(b).every((k) => k === "required" || k === "not"));
  if (onlyRequired && required.length) {
    const fields = [...new Set(required)].map((f) => `"${f}"`).join(", ");
    const set = typeof value === "object" && value !== null ? required.filter((f) => f in value) : [];
    return set.length > 1
      ? `only one of ${fields} may be set, not ${[...new Set(set)].map((f) => `"${f}"`).join(" and ")}.`
      : `set exactly one of ${fields}.`;
  }
  const types = branches.map((b) => (b.format ? `${b.type ?? "value"} in ${b.format} format` : b.type)).filter(Boolean);
  if (types.length > 0 && types.length === branches.length) return `${describeValue(value)} must be ${types.map((t) => article(String(t))).join(" or ")}.`;
  return keyword === "oneOf" ? "must match exactly one of the allowed forms." : "must match at least one of the allowed forms.";
}

function describeNot(not: SchemaNode | undefined): string {
  const forbidden = [...(not?.required ?? []), ...(not?.anyOf ?? []).flatMap((b) => b.required ?? [])];
  return forbidden.length ? `${[...new Set(forbidden)].map((f) => `"${f}"`).join(", ")} may not be set here.` : "is not allowed here.";
}

const article = (type: string) => (type === "integer" ? "an integer" : type === "object" ? "an object" : type === "array" ? "an array" : `a ${type}`);

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (typeof value === "number" && Number.isNaN(value)) return ".nan (not a number)";
  if (typeof value === "number" && !Number.isFinite(value)) {
    const sign = value < 0 ? "-" : "";
    return `${sign}.inf (${value < 0 ? "minus " : ""}infinity, or a number past 64-bit floats such as ${sign}1e309)`;
  }
  if (typeof value === "number" && !Number.isInteger(value)) return `the number ${value}`;
  return typeof value === "number" ? `the integer ${value}` : `${typeof value} ${String(value)}`;
}

function listValues(values: unknown): string {
  const list = Array.isArray(values) ? values.filter((v) => v !== null) : [];
  const shown = list.slice(0, 12).map((v) => JSON.stringify(v));
  return shown.join(", ") + (list.length > 12 ? `, … (${list.length} values)` : "");
}

function toFieldPath(instancePath: string, root: unknown): (string | number)[] {
  const out: (string | number)[] = [];
  let node: unknown = root;
  for (const raw of instancePath.split("/").slice(1)) {
    const seg = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (Array.isArray(node)) {
      out.push(Number(seg));
      node = node[Number(seg)];
    } else {
      out.push(seg);
      node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function valueAt(root: unknown, path: FieldPath): Json | undefined {
  let node: unknown = root;
  for (const seg of path) {
    if (typeof node !== "object" || node === null) return undefined;
    node = (node as Record<string | number, unknown>)[seg];
  }
  return node as Json | undefined;
}
