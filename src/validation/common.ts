/**
 * Building blocks for the checks Istio's validating webhook (`istioctl validate`) makes beyond the CRD schema:
 * a sink that rules turn into reports, the IST codes of webhook errors and warnings, and the scalar checks shared
 * by many kinds (ports, durations, RE2 regexes, DNS names, IPs, labels, exportTo, header names and values).
 * Semantics follow istio/istio pkg/config/validation (paraphrased, not copied).
 */
import { regexCompileProblem } from "../base/re2.js";
import { parseAddr, parsePrefix } from "../base/go/net.js";
import { durationNanos } from "../base/go/time.js";
import { type FieldPath, type Json, type JsonObject, type Resource, asArray, asNumber, asObject, asString } from "../model/resource.js";

export type Data = Readonly<Record<string, string | number>>;

/** Where a check puts what it finds. A `Sink<A | B>` is usable where a `Sink<A>` is wanted, not the other way. */
export interface Sink<M extends string> {
  readonly error: (path: FieldPath, messageId: M, data?: Data, part?: "key" | "value") => void;
  readonly warn: (path: FieldPath, messageId: M, data?: Data, part?: "key" | "value") => void;
}

/** What a validator found: a field, a message id of the rule that reports it, and whether Istio only warns. */
export interface Problem<M extends string> {
  readonly path: FieldPath;
  readonly messageId: M;
  readonly data?: Data;
  readonly part?: "key" | "value";
  /** Set when Istio's webhook accepts the object with a warning instead of rejecting it. */
  readonly severity?: "warning";
}

/** Runs a check that writes into a sink and returns what it wrote, in order. */
export function collect<M extends string>(check: (sink: Sink<M>) => void): Problem<M>[] {
  const problems: Problem<M>[] = [];
  const add = (severity: "warning" | undefined) => (path: FieldPath, messageId: M, data?: Data, part?: "key" | "value") =>
    problems.push({ path, messageId, ...(data ? { data } : {}), ...(part ? { part } : {}), ...(severity ? { severity } : {}) });
  check({ error: add(undefined), warn: add("warning") });
  return problems;
}

/**
 * istioctl reports webhook errors as IST0106 (SchemaValidationError) and webhook warnings as IST0133
 * (SchemaWarning); `warnings` are the message ids the rule reports as warnings.
 */
export interface WebhookAlias {
  readonly tool: "istioctl";
  readonly code: "IST0106" | "IST0133";
  readonly match: "partial";
  readonly messageIds: readonly string[];
}

export function webhookAliases(messages: Readonly<Record<string, string>>, warnings: readonly string[] = []): WebhookAlias[] {
  const errors = Object.keys(messages).filter((m) => !warnings.includes(m));
  const out: WebhookAlias[] = [];
  if (errors.length) out.push({ tool: "istioctl", code: "IST0106", match: "partial", messageIds: errors });
  if (warnings.length) out.push({ tool: "istioctl", code: "IST0133", match: "partial", messageIds: warnings });
  return out;
}

/** Message templates several rules share; a rule takes the ones its checks may report with `pick`. */
export const COMMON_MESSAGES = {
  portRange: '"{{field}}" is {{value}}; Istio requires a port number from 1 to 65535.',
  durationPrecision: '"{{field}}" is "{{value}}"; Istio only accepts durations that are a whole number of milliseconds.',
  durationTooShort: '"{{field}}" is "{{value}}"; Istio requires a duration of at least 1ms.',
  durationInvalid: '"{{field}}" is "{{value}}", which is not a duration such as "5s" or "100ms".',
  regexInvalid: '"{{field}}" is not a regular expression Istio can compile (RE2 syntax): {{reason}}.',
  regexTooLong: '"{{field}}" is a regular expression of {{length}} characters; Istio accepts at most 1024.',
  labelKeyInvalid: 'Label key "{{value}}" in "{{field}}" is not a valid Kubernetes label name.',
  labelValueInvalid: 'Label value "{{value}}" in "{{field}}" is not a valid Kubernetes label value.',
  exportToInvalid: 'exportTo entry "{{value}}" is not ".", "*" or a namespace name.',
  exportToDuplicate: 'exportTo lists "{{value}}" more than once (with "." counting as namespace "{{namespace}}").',
  exportToPublicMixed: 'exportTo "*" cannot be combined with other entries.',
  exportToNoneMixed: 'exportTo "~" (visible to no one) cannot be combined with other entries.',
  hostInvalid: '"{{field}}" value "{{value}}" is not a valid host name: {{reason}}.',
  addressInvalid: '"{{field}}" value "{{value}}" is not {{expected}}.',
  protocolUnknown:
    '"{{field}}" is "{{value}}"; Istio knows HTTP, HTTPS, HTTP2, GRPC, GRPC-WEB, TCP, TLS, UDP, MONGO, MYSQL, REDIS and HTTP_PROXY.',
  portNameInvalid: 'Port name "{{value}}" is not a DNS-1123 label (lower-case letters, digits and "-", at most 63 characters).',
} as const;

export type CommonMessage = keyof typeof COMMON_MESSAGES;

export function pick<K extends CommonMessage>(...keys: K[]): { [P in K]: (typeof COMMON_MESSAGES)[P] } {
  const out: Partial<Record<CommonMessage, string>> = {};
  for (const k of keys) out[k] = COMMON_MESSAGES[k];
  return out as { [P in K]: (typeof COMMON_MESSAGES)[P] };
}

// ---------------------------------------------------------------------------------------------------------------
// Names

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;
const LABEL_KEY = /^(?:[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)*\/)?(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(?:(?:[A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Istio's DNS-1123 label: at most 63 characters, letters (either case), digits and inner `-`. */
export const isDns1123Label = (s: string): boolean => s.length <= 63 && DNS1123_LABEL.test(s);

function dnsPreconditions(name: string): string | undefined {
  if (name.length > 255) return "longer than 255 characters";
  if (name.length === 0) return "empty";
  return undefined;
}

function dnsLabelsProblem(domain: string): string | undefined {
  const parts = domain.split(".");
  const top = parts[parts.length - 1] ?? "";
  if (/^[+-]?\d+$/.test(top)) return `top-level domain "${top}" is all-numeric`;
  for (let i = 0; i < parts.length; i++) {
    const label = parts[i] ?? "";
    if (i === parts.length - 1 && label === "") return undefined;
    if (!isDns1123Label(label)) return `label "${label}" is not a DNS-1123 label`;
  }
  return undefined;
}

/** A fully qualified (or short) DNS name, no wildcard; undefined when valid, else why not. */
export const fqdnProblem = (name: string): string | undefined => dnsPreconditions(name) ?? dnsLabelsProblem(name);

/** A DNS name whose first label may be `*`, `*foo` or `*-foo`; undefined when valid, else why not. */
export function wildcardDomainProblem(domain: string): string | undefined {
  const pre = dnsPreconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf(".");
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (first.length > 63 || !WILDCARD_LABEL.test(first)) return `label "${first}" is not a DNS-1123 label or wildcard`;
  return dot < 0 ? undefined : dnsLabelsProblem(domain.slice(dot + 1));
}

/** `foo*`, `*foo.com`: a `*` that is not the whole host nor a leading `*.`. */
export const isPartialWildcard = (host: string): boolean => host.includes("*") && host !== "*" && !host.startsWith("*.");

export function isIpAddress(text: string): boolean {
  try {
    parseAddr(text);
    return true;
  } catch {
    return false;
  }
}

/** Go's netip.ParsePrefix. */
export function isCidr(text: string): boolean {
  try {
    parsePrefix(text);
    return true;
  } catch {
    return false;
  }
}

/** Istio's ValidateIPSubnet: a CIDR when the text has one `/`, else an IP address. */
export const isIpOrCidr = (text: string): boolean => (text.split("/").length === 2 ? isCidr(text) : isIpAddress(text));

// Istio's host.Name matching: a leading `*` matches any prefix.
const wild = (h: string): boolean => h.startsWith("*");

/** host.Name.Matches: the two hosts (either may be a wildcard) have a name in common. */
export function hostNamesOverlap(a: string, b: string): boolean {
  if (wild(a) && wild(b)) return a.length < b.length ? b.slice(1).endsWith(a.slice(1)) : a.slice(1).endsWith(b.slice(1));
  if (wild(a)) return b.endsWith(a.slice(1));
  if (wild(b)) return a.endsWith(b.slice(1));
  return a === b;
}

/**
 * For each host of a list, the index of the first earlier host it overlaps (hostNamesOverlap), or -1: what Istio's
 * webhook finds by comparing every pair, found here in time linear in the number of hosts times the number of
 * distinct wildcard lengths, so that a VirtualService with 100,000 hosts is checked at once.
 */
export function firstEarlierOverlaps(hosts: readonly string[]): number[] {
  const keep = (map: Map<string, number>, key: string, index: number) => {
    if (!map.has(key)) map.set(key, index);
  };
  const exactFirst = new Map<string, number>();
  const wildFirst = new Map<string, number>();
  hosts.forEach((h, i) => (wild(h) ? keep(wildFirst, h.slice(1), i) : keep(exactFirst, h, i)));
  const lengths = [...new Set([...wildFirst.keys()].map((t) => t.length))];
  // For each wildcard's text: the first host (a name, or another wildcard's text) that ends with it.
  const firstEndingWith = new Map<string, number>();
  hosts.forEach((h, i) => {
    const text = wild(h) ? h.slice(1) : h;
    for (const l of lengths) if (l <= text.length && wildFirst.has(text.slice(text.length - l))) keep(firstEndingWith, text.slice(text.length - l), i);
  });
  return hosts.map((h, j) => {
    const text = wild(h) ? h.slice(1) : h;
    let first = wild(h) ? (firstEndingWith.get(text) ?? -1) : (exactFirst.get(h) ?? -1);
    if (first >= j) first = -1;
    for (const l of lengths) {
      if (l > text.length) continue;
      const w = wildFirst.get(text.slice(text.length - l));
      if (w !== undefined && w < j && (first < 0 || w < first)) first = w;
    }
    return first;
  });
}

/** host.Name.SubsetOf: every name `a` matches is matched by `b`. */
export function hostIsSubsetOf(a: string, b: string): boolean {
  if (wild(a)) return wild(b) && a.slice(1).endsWith(b.slice(1));
  if (wild(b)) return a.endsWith(b.slice(1));
  return a === b;
}

// ---------------------------------------------------------------------------------------------------------------
// Protocols (pkg/config/protocol)

const PROTOCOLS = new Set(["tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2", "https", "tls", "mongo", "redis", "mysql"]);

/** Istio's protocol name, lower-case, or undefined when Istio does not know it. */
export const parseProtocol = (s: string | undefined): string | undefined =>
  s !== undefined && PROTOCOLS.has(s.toLowerCase()) ? s.toLowerCase() : undefined;
export const isHttpProtocol = (p: string | undefined): boolean =>
  p === "http" || p === "http2" || p === "http_proxy" || p === "grpc" || p === "grpc-web";
export const isTlsProtocol = (p: string | undefined): boolean => p === "https" || p === "tls";
export const isTcpProtocol = (p: string | undefined): boolean =>
  p === "tcp" || p === "https" || p === "tls" || p === "mongo" || p === "redis" || p === "mysql";

// ---------------------------------------------------------------------------------------------------------------
// Scalar checks that report

/** A port number (1-65535). With `zeroIsUnset`, 0 means "not set" (match ports). */
export function checkPort(sink: Sink<"portRange">, path: FieldPath, field: string, value: unknown, zeroIsUnset = false): void {
  const n = asNumber(value);
  if (n === undefined || (zeroIsUnset && n === 0)) return;
  if (n < 1 || n > 65535) sink.error(path, "portRange", { field, value: n });
}

/**
 * The `number` of a port object as Istio reads it: 0 when absent (unless the schema requires it, `absentIsZero`
 * false), undefined when it is not a number (the schema reports that).
 */
export function portNumber(port: JsonObject, absentIsZero = true): number | undefined {
  if (port.number === undefined || port.number === null) return absentIsZero ? 0 : undefined;
  return asNumber(port.number);
}

const MS = 1_000_000n;

/**
 * A duration field. The CRD's CEL rule already rejects durations that do not parse or are below 1ms on most
 * fields (`cel: true`): then only the millisecond precision is checked. `seconds` asks for whole seconds.
 */
export function checkDuration(
  sink: Sink<"durationPrecision" | "durationTooShort" | "durationInvalid">,
  path: FieldPath,
  field: string,
  value: unknown,
  options: { readonly cel: boolean; readonly zeroAllowed?: boolean },
): void {
  const text = asString(value);
  if (text === undefined) return;
  const nanos = durationNanos(text);
  if (nanos === undefined) {
    if (!options.cel) sink.error(path, "durationInvalid", { field, value: text });
    return;
  }
  if (nanos === 0n && options.zeroAllowed) return;
  if (nanos < MS) {
    if (!options.cel) sink.error(path, "durationTooShort", { field, value: text });
    return;
  }
  if (nanos % MS !== 0n) sink.error(path, "durationPrecision", { field, value: text });
}

/** A duration field the CRD already checks for parse errors and the 1ms minimum. */
export const checkCelDuration = (sink: Sink<"durationPrecision">, path: FieldPath, field: string, value: unknown): void =>
  checkDuration(sink as Sink<"durationPrecision" | "durationTooShort" | "durationInvalid">, path, field, value, { cel: true });

/** Envoy's RE2 as Istio checks it: at most 1024 characters, compiles with Go's regexp. */
export function checkRegex(sink: Sink<"regexInvalid" | "regexTooLong">, path: FieldPath, field: string, value: unknown): void {
  const re = asString(value);
  if (re === undefined) return;
  if (re.length > 1024) {
    sink.error(path, "regexTooLong", { field, length: re.length });
    return;
  }
  const reason = regexCompileProblem(re);
  if (reason) sink.error(path, "regexInvalid", { field, reason });
}

/** Kubernetes label keys and values as Istio's labels.Instance.Validate checks them. */
export function checkLabels(sink: Sink<"labelKeyInvalid" | "labelValueInvalid">, path: FieldPath, field: string, value: unknown): void {
  const map = asObject(value);
  if (!map) return;
  for (const [k, v] of Object.entries(map)) {
    if (!LABEL_KEY.test(k) || k.split("/")[0]!.length > 253) sink.error([...path, k], "labelKeyInvalid", { field, value: k }, "key");
    if (typeof v === "string" && !LABEL_VALUE.test(v)) sink.error([...path, k], "labelValueInvalid", { field, value: v });
  }
}

export type ExportToMessage = "exportToInvalid" | "exportToDuplicate" | "exportToPublicMixed" | "exportToNoneMixed";

/**
 * exportTo of VirtualService, DestinationRule and ServiceEntry; `~` (visible to no one) is only allowed, alone, on a
 * ServiceEntry (see checkServiceEntryExportTo). Returns the entries, with "." as the object's namespace.
 */
export const checkExportTo = (sink: Sink<Exclude<ExportToMessage, "exportToNoneMixed">>, resource: Resource, exportTo: unknown): Set<string> =>
  exportToEntries(sink as Sink<ExportToMessage>, resource, exportTo, false);

export const checkServiceEntryExportTo = (sink: Sink<ExportToMessage>, resource: Resource, exportTo: unknown): Set<string> =>
  exportToEntries(sink, resource, exportTo, true);

function exportToEntries(sink: Sink<ExportToMessage>, resource: Resource, exportTo: unknown, serviceEntry: boolean): Set<string> {
  const entries = asArray(exportTo);
  const seen = new Set<string>();
  entries.forEach((e, i) => {
    const entry = asString(e);
    if (entry === undefined) return;
    const key = entry === "." ? resource.namespace : entry;
    const path = ["spec", "exportTo", i];
    if (seen.has(key)) {
      sink.error(path, "exportToDuplicate", { value: entry, namespace: resource.namespace });
      return;
    }
    if (key === "*" || (key === "~" && serviceEntry) || isDns1123Label(key)) seen.add(key);
    else sink.error(path, "exportToInvalid", { value: entry });
  });
  if (seen.has("*") && entries.length > 1) sink.error(["spec", "exportTo"], "exportToPublicMixed");
  if (seen.has("~") && entries.length > 1) sink.error(["spec", "exportTo"], "exportToNoneMixed");
  return seen;
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP headers

const HEADER_NAME = /^[-_A-Za-z0-9]+$/;
export const isHeaderName = (name: string): boolean => HEADER_NAME.test(name);

// eslint-disable-next-line no-control-regex
const HEADER_VALUE_CONTROL = /[\u0000-\u0008\u000A-\u001F\u007F]/;

/**
 * Why Envoy would refuse a custom header value (Istio's port of Envoy's header_parser): control characters, a
 * lone `%`, or an unterminated `%VAR%` / `%VAR(...)%` expression. Undefined when it is fine.
 */
export function headerValueProblem(value: string): string | undefined {
  if (HEADER_VALUE_CONTROL.test(value)) return "it contains a control character";
  type State = "literal" | "name" | "array" | "string" | "inString" | "delimiter" | "argsEnd" | "varEnd";
  let state: State = "literal";
  for (let pos = 0; pos < value.length; pos++) {
    const ch = value[pos];
    const space = ch === " ";
    switch (state) {
      case "literal":
        if (ch !== "%") break;
        if (pos + 1 >= value.length) return 'it ends with an unescaped "%" (write "%%")';
        if (value[pos + 1] === "%") pos++;
        else state = "name";
        break;
      case "name":
        if (ch === "%") state = "literal";
        else if (ch === "(") state = "array";
        break;
      case "array":
        if (ch === "[") state = "string";
        else if (!space) state = "inString";
        break;
      case "delimiter":
        if (ch === ",") state = "string";
        else if (ch === "]") state = "argsEnd";
        else if (!space) return 'a "," or "]" is expected in a %VAR([...])% argument list';
        break;
      case "string":
        if (ch === '"') state = "inString";
        else if (!space) return 'a quoted string is expected in a %VAR([...])% argument list';
        break;
      case "inString":
        if (ch === "\\") {
          if (pos + 1 >= value.length) return "it ends with an unterminated backslash";
          pos++;
        } else if (ch === ")") state = "varEnd";
        else if (ch === '"') state = "delimiter";
        break;
      case "argsEnd":
        if (ch === ")") state = "varEnd";
        else if (!space) return 'a ")" is expected after the argument list';
        break;
      case "varEnd":
        if (ch === "%") state = "literal";
        else if (!space) return 'a closing "%" is expected after a %VAR(...)% expression';
        break;
    }
  }
  return state === "literal" ? undefined : 'it has an unterminated %VAR% expression (write "%%" for a literal "%")';
}

// ---------------------------------------------------------------------------------------------------------------
// Small readers

/** The object entries of a list field with their paths; non-objects are skipped (the schema reports them). */
export function objectsAt(parent: JsonObject | undefined, key: string, path: FieldPath): { value: JsonObject; path: FieldPath }[] {
  return asArray(parent?.[key]).flatMap((v, i) => {
    const o = asObject(v);
    return o ? [{ value: o, path: [...path, key, i] }] : [];
  });
}

/** The string entries of a list field with their paths. */
export function stringsAt(parent: JsonObject | undefined, key: string, path: FieldPath): { value: string; path: FieldPath }[] {
  return asArray(parent?.[key]).flatMap((v, i) => (typeof v === "string" ? [{ value: v, path: [...path, key, i] }] : []));
}

/** Whether a field is present with a value other than null (the webhook cannot tell null from unset). */
export const isSet = (parent: JsonObject | undefined, key: string): boolean => parent?.[key] !== undefined && parent[key] !== null;

export const nonEmptyList = (value: Json | undefined): boolean => Array.isArray(value) && value.length > 0;

export { durationNanos, regexCompileProblem };
