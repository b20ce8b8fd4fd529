/**
 * The per-route checks of Linkerd's policy webhook that the CRD schemas (and, for Gateway API kinds, their CEL rules)
 * do not make, paraphrased from linkerd2 k8s/index/src/routes/{http,grpc}.rs and runtime/src/admission.rs: path
 * values, regexes, header values, redirect paths, timeouts, the GRPCRoute method regex and the one-rule TLS/TCP routes.
 */
import { durationNanos } from "../base/go/time.js";
import { regexCompileProblem } from "../base/re2.js";
import { type FieldPath, type Resource, asArray, asObject, asString, spec } from "../model/resource.js";
import { isLinkerdRoute } from "./routes.js";

export type RouteMessage =
  | "pathNotAbsolute"
  | "regexInvalid"
  | "headerValueInvalid"
  | "redirectPathMissing"
  | "redirectPathNotAbsolute"
  | "timeoutNegative"
  | "timeoutBackendExceeds"
  | "grpcMethodRegex"
  | "ruleCount";

export interface RouteIssue {
  readonly path: FieldPath;
  readonly messageId: RouteMessage;
  readonly data?: Readonly<Record<string, string | number>>;
}

/** Why Rust's http::HeaderValue::from_str refuses a value (only tab and visible ASCII are allowed), or undefined. */
export function rustHeaderValueProblem(value: string): string | undefined {
  for (const ch of value) {
    const c = ch.codePointAt(0) ?? 0;
    if (c === 9 || (c >= 32 && c < 127)) continue;
    return c > 127 ? `it contains the non-ASCII character "${ch}"` : "it contains a control character";
  }
  return undefined;
}

/**
 * A regex value compiles with Go's syntax. Values longer than the CRD allows (1024 characters for a path, 4096 for a
 * header or query parameter) are left to the schema check, which reports them: compiling them is work for nothing.
 */
function checkRegex(out: RouteIssue[], path: FieldPath, value: unknown, maxLength: number): void {
  const re = asString(value);
  const reason = re === undefined || re.length > maxLength ? undefined : regexCompileProblem(re);
  if (re !== undefined && reason) out.push({ path, messageId: "regexInvalid", data: { value: re, reason } });
}

function checkHeaderValue(out: RouteIssue[], path: FieldPath, value: unknown): void {
  const text = asString(value);
  const reason = text === undefined ? undefined : rustHeaderValueProblem(text);
  if (text !== undefined && reason) out.push({ path, messageId: "headerValueInvalid", data: { value: text, reason } });
}

function checkMatch(out: RouteIssue[], route: Resource, match: unknown, at: FieldPath): void {
  const m = asObject(match);
  if (!m) return;
  const path = asObject(m.path);
  if (path) {
    const type = asString(path.type) ?? "PathPrefix";
    const value = asString(path.value) ?? "/";
    if (type === "RegularExpression") checkRegex(out, [...at, "path", "value"], value, 1024);
    // The Gateway API CRDs' CEL rules require the leading "/"; Linkerd's own CRD does not.
    else if (isLinkerdRoute(route) && !value.startsWith("/")) out.push({ path: [...at, "path", "value"], messageId: "pathNotAbsolute", data: { value } });
  }
  for (const field of ["headers", "queryParams"]) {
    asArray(m[field]).forEach((h, k) => {
      const header = asObject(h);
      const vpath = [...at, field, k, "value"];
      if (asString(header?.type) === "RegularExpression") checkRegex(out, vpath, header?.value, 4096);
      else if (field === "headers") checkHeaderValue(out, vpath, header?.value);
    });
  }
  const method = asObject(m.method);
  if (route.kind === "GRPCRoute" && asString(method?.type) === "RegularExpression") out.push({ path: [...at, "method", "type"], messageId: "grpcMethodRegex" });
}

function checkFilters(out: RouteIssue[], route: Resource, filters: unknown, at: FieldPath): void {
  asArray(filters).forEach((f, k) => {
    const filter = asObject(f);
    for (const field of ["requestHeaderModifier", "responseHeaderModifier"]) {
      for (const list of ["set", "add"]) {
        asArray(asObject(filter?.[field])?.[list]).forEach((e, n) => checkHeaderValue(out, [...at, k, field, list, n, "value"], asObject(e)?.value));
      }
    }
    const redirectPath = asObject(asObject(filter?.requestRedirect)?.path);
    const type = asString(redirectPath?.type);
    if (!redirectPath || !type) return;
    const key = type === "ReplaceFullPath" ? "replaceFullPath" : "replacePrefixMatch";
    const value = asString(redirectPath[key]);
    const path = [...at, k, "requestRedirect", "path"];
    if (value === undefined) {
      if (isLinkerdRoute(route)) out.push({ path, messageId: "redirectPathMissing", data: { type, key } });
    } else if (!value.startsWith("/")) out.push({ path: [...path, key], messageId: "redirectPathNotAbsolute", data: { value } });
  });
}

function checkTimeouts(out: RouteIssue[], timeouts: unknown, at: FieldPath): void {
  const t = asObject(timeouts);
  if (!t) return;
  const request = durationNanos(t.request);
  const backend = durationNanos(t.backendRequest);
  for (const [field, value] of [["request", request], ["backendRequest", backend]] as const) {
    if (value !== undefined && value < 0n) out.push({ path: [...at, field], messageId: "timeoutNegative", data: { field, value: asString(t[field]) ?? "" } });
  }
  if (request !== undefined && backend !== undefined && request > 0n && backend > request) {
    out.push({ path: [...at, "backendRequest"], messageId: "timeoutBackendExceeds", data: { backend: asString(t.backendRequest) ?? "", request: asString(t.request) ?? "" } });
  }
}

/** Everything Linkerd's webhook would object to in one route's rules. */
export function routeIssues(route: Resource): RouteIssue[] {
  const out: RouteIssue[] = [];
  const rules = asArray(spec(route).rules);
  if ((route.kind === "TLSRoute" || route.kind === "TCPRoute") && rules.length > 1) {
    out.push({ path: ["spec", "rules"], messageId: "ruleCount", data: { kind: route.kind, count: rules.length } });
  }
  rules.forEach((r, i) => {
    const rule = asObject(r);
    if (!rule) return;
    const at = ["spec", "rules", i];
    asArray(rule.matches).forEach((m, j) => checkMatch(out, route, m, [...at, "matches", j]));
    checkFilters(out, route, rule.filters, [...at, "filters"]);
    asArray(rule.backendRefs).forEach((b, j) => checkFilters(out, route, asObject(b)?.filters, [...at, "backendRefs", j, "filters"]));
    // Gateway API HTTPRoute timeouts are checked by the CRD's CEL rules.
    if (isLinkerdRoute(route)) checkTimeouts(out, rule.timeouts, [...at, "timeouts"]);
  });
  return out;
}
