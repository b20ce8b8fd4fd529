/**
 * Linkerd ServiceProfiles (linkerd.io/v1alpha2), paraphrasing linkerd2 edge-26.8.3: the validator behind the
 * `linkerd-sp-validator` webhook (pkg/profiles `Validate`, `ValidateRequestMatch`, `ValidateResponseMatch`), the
 * name the destination controller looks a profile up by (`<service>.<namespace>.svc.<clusterDomain>`) and the retry
 * budget defaults (controller/api/destination/profile_translator.go).
 */
import { parseGoDuration } from "../base/go/time.js";
import { K } from "../model/kinds.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type FieldPath, type Json, type Resource, asArray, asNumber, asObject, asString, isObject, spec } from "../model/resource.js";
import { addTo } from "../base/multimap.js";
import { regexCompileProblem } from "../base/re2.js";

/** A problem the ServiceProfile validator refuses, beyond what the CRD schema describes. */
export interface ProfileProblem {
  readonly path: FieldPath;
  readonly messageId: "nameInvalid" | "unknownField" | "emptyCondition" | "nullCondition" | "statusRange" | "statusOrder" | "duration" | "retryRatio" | "pathRegex";
  readonly data: Readonly<Record<string, string | number>>;
  /** "key" when the key itself is the problem (an unknown field), so the finding points at it, not its value. */
  readonly part?: "key";
}

const REQUEST_KEYS = new Set(["all", "any", "not", "method", "pathRegex"]);
const RESPONSE_KEYS = new Set(["all", "any", "not", "status"]);
const STATUS_KEYS = new Set(["min", "max"]);

/** A DNS-1123 subdomain: lowercase labels of letters, digits and dashes, at most 253 characters. */
export const isDnsSubdomain = (name: string): boolean =>
  name.length <= 253 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(name);

/** Whether a Go duration string parses. */
export function isGoDuration(text: string): boolean {
  try {
    parseGoDuration(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Everything the strict Go decoder and `Validate` refuse that the schema lets through: unknown keys and empty
 * nodes inside the recursive conditions (the schema stops at the first level), status ranges, Go durations and a
 * negative retry ratio.
 */
export function profileProblems(sp: Resource): ProfileProblem[] {
  const out: ProfileProblem[] = [];
  if (sp.name && !isDnsSubdomain(sp.name)) out.push({ path: ["metadata", "name"], messageId: "nameInvalid", data: { name: sp.name } });
  const s = spec(sp);
  asArray(s.routes).forEach((r, i) => {
    const route = asObject(r);
    if (!route) return;
    const base: FieldPath = ["spec", "routes", i];
    if (isObject(route.condition)) condition(route.condition, [...base, "condition"], "request", 0, out);
    const timeout = asString(route.timeout);
    if (timeout !== undefined && !isGoDuration(timeout)) out.push({ path: [...base, "timeout"], messageId: "duration", data: { field: "timeout", value: timeout } });
    asArray(route.responseClasses).forEach((c, j) => {
      const cond = asObject(c)?.condition;
      if (isObject(cond)) condition(cond, [...base, "responseClasses", j, "condition"], "response", 0, out);
    });
  });
  const budget = asObject(s.retryBudget);
  const ttl = asString(budget?.ttl);
  if (ttl !== undefined && !isGoDuration(ttl)) out.push({ path: ["spec", "retryBudget", "ttl"], messageId: "duration", data: { field: "retryBudget.ttl", value: ttl } });
  const ratio = asNumber(budget?.retryRatio);
  if (ratio !== undefined && ratio < 0) out.push({ path: ["spec", "retryBudget", "retryRatio"], messageId: "retryRatio", data: { value: ratio } });
  return out;
}

function condition(node: Json, path: FieldPath, side: "request" | "response", depth: number, out: ProfileProblem[]): void {
  const obj = asObject(node);
  if (!obj) {
    out.push({ path, messageId: "nullCondition", data: { side } });
    return;
  }
  const known = side === "request" ? REQUEST_KEYS : RESPONSE_KEYS;
  // The CRD schema describes the first level of a condition; below it, keys are preserved unchecked.
  const unknown = depth > 0 ? Object.keys(obj).filter((key) => !known.has(key)) : [];
  for (const key of unknown) out.push({ path: [...path, key], messageId: "unknownField", data: { key, side }, part: "key" });
  const present = [...known].some((k) => obj[k] !== undefined && obj[k] !== null && obj[k] !== "");
  if (!present && unknown.length === 0) out.push({ path, messageId: "emptyCondition", data: { side, keys: [...known].join(", ") } });
  // Linkerd compiles the regex when it builds the route (Go's regexp syntax, RE2): one that does not compile never
  // matches, so the route's metrics, retries and timeouts never apply.
  const pathRegex = side === "request" ? asString(obj.pathRegex) : undefined;
  const regexProblem = pathRegex ? regexCompileProblem(pathRegex) : undefined;
  if (pathRegex && regexProblem) out.push({ path: [...path, "pathRegex"], messageId: "pathRegex", data: { value: pathRegex, problem: regexProblem } });
  for (const list of ["all", "any"]) asArray(obj[list]).forEach((child, i) => condition(child, [...path, list, i], side, depth + 1, out));
  if (Array.isArray(obj.not)) asArray(obj.not).forEach((child, i) => condition(child, [...path, "not", i], side, depth + 1, out));
  else if (obj.not !== undefined && obj.not !== null) condition(obj.not, [...path, "not"], side, depth + 1, out);
  if (side === "response" && isObject(obj.status)) status(obj.status, [...path, "status"], depth, out);
}

function status(s: Readonly<Record<string, Json>>, path: FieldPath, depth: number, out: ProfileProblem[]): void {
  if (depth > 0) for (const key of Object.keys(s)) if (!STATUS_KEYS.has(key)) out.push({ path: [...path, key], messageId: "unknownField", data: { key, side: "status" }, part: "key" });
  const min = asNumber(s.min) ?? 0;
  const max = asNumber(s.max) ?? 0;
  for (const [key, v] of [["min", min], ["max", max]] as const) {
    if (v !== 0 && (v < 100 || v > 599)) out.push({ path: [...path, key], messageId: "statusRange", data: { key, value: v } });
  }
  if (min !== 0 && max !== 0 && max < min) out.push({ path: [...path, "max"], messageId: "statusOrder", data: { min, max } });
}

/** A profile's name read as `<service>.<namespace>.svc.<clusterDomain>`. */
export interface ProfileTarget {
  readonly service: string;
  readonly namespace: string;
  readonly clusterDomain: string;
  /** Whether the profile sits in another namespace than the Service (a client-side profile). */
  readonly clientSide: boolean;
}

/** The Service a profile name designates, or undefined when the name is not a Service FQDN. */
export function profileTarget(sp: Resource): ProfileTarget | undefined {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\.svc\.(.+)$/.exec(sp.name);
  if (!m?.[1] || !m[3] || !m[5]) return undefined;
  return { service: m[1], namespace: m[3], clusterDomain: m[5], clientSide: m[3] !== sp.namespace };
}

/** An authority `<svc>.<ns>.svc.<domain>[:port]` split into its parts. */
export function parseAuthority(authority: string): { service: string; namespace: string; clusterDomain: string; port: number | undefined } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.([a-z0-9.-]+?)(?::([0-9]+))?$/.exec(authority);
  if (!m?.[1] || !m[2] || !m[3]) return undefined;
  return { service: m[1], namespace: m[2], clusterDomain: m[3], port: m[4] === undefined ? undefined : Number(m[4]) };
}

/** ServiceProfiles by the Service they describe (`namespace/name`), built once per run. */
export function profilesByService(index: ResourceIndex): ReadonlyMap<string, readonly Resource[]> {
  return index.memo("linkerd/profiles-by-service", [K.ServiceProfile], () => {
    const map = new Map<string, Resource[]>();
    for (const sp of index.all(K.ServiceProfile)) {
      const t = profileTarget(sp);
      if (!t || t.clusterDomain !== index.settings.clusterDomain) continue;
      const key = `${t.namespace}/${t.service}`;
      addTo(map, key, sp);
    }
    return map;
  });
}

/** HTTP methods whose requests may be retried without changing the outcome (RFC 9110 idempotent methods). */
export const IDEMPOTENT_METHODS = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);

/** A path regex of a gRPC method (`/pkg.Service/Method`): gRPC always uses POST, retried or not. */
export const isGrpcPath = (pathRegex: string | undefined): boolean =>
  pathRegex !== undefined && /^\/[\w\\]*\.[\w\\.]*\/\w+\$?$/.test(pathRegex);

