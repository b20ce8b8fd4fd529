import { K, type KindKey } from "../model/kinds.js";
import { type FieldPath, type JsonObject, type Resource, annotationsOf, asArray, asObject, asString, spec } from "../model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../model/resource-index.js";
import { HOST_KINDS } from "./hosts.js";
import type { Workload } from "../model/workloads.js";
import { type PodRef, policiesApplyingTo, policyTarget } from "./policy-targets.js";

// Istio's AuthorizationPolicy semantics, evaluated offline:
// - CUSTOM, then DENY, then ALLOW; no ALLOW policy on a workload allows everything, ALLOW policies that all fail deny;
// - policies in the root namespace apply mesh-wide (a selector there selects across namespaces);
// - a rule matches when one of its `from` sources, one of its `to` operations and all `when` conditions match;
//   fields of one source/operation are ANDed, values of one field ORed, `not*` fields exclude;
// - string values match exactly, by prefix (`abc*`), by suffix (`*abc`) or by presence (`*`); paths also take
//   `{*}`/`{**}` templates; hosts compare case-insensitively;
// - peer identity (principals, namespaces, service accounts) exists only over mutual TLS;
// - on a TCP port, a rule with HTTP-only fields never matches in ALLOW (and CUSTOM) policies, and its HTTP-only
//   fields are ignored in DENY (and AUDIT) policies, which then match more.

export type Action = "ALLOW" | "DENY" | "CUSTOM" | "AUDIT";

/** Kinds the authorization model reads besides AuthorizationPolicy. */
export const AUTHZ_KINDS: readonly KindKey[] = [K.AuthorizationPolicy, ...HOST_KINDS, ...WORKLOAD_KINDS];

export type Values = readonly string[] | undefined;

export interface Source {
  readonly path: FieldPath;
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

export interface Operation {
  readonly path: FieldPath;
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

export interface Condition {
  readonly path: FieldPath;
  readonly key: string;
  readonly values: Values;
  readonly notValues: Values;
}

export interface AuthzRule {
  readonly index: number;
  readonly path: FieldPath;
  /** Undefined: any source (the field is absent). */
  readonly from: readonly Source[] | undefined;
  readonly to: readonly Operation[] | undefined;
  readonly when: readonly Condition[];
}

export interface AuthzPolicy {
  readonly resource: Resource;
  readonly action: Action;
  /** Undefined when `rules` is absent: an ALLOW policy then matches nothing (allow-nothing), a DENY one nothing. */
  readonly rules: readonly AuthzRule[] | undefined;
  /** `istio.io/dry-run: "true"`: evaluated and logged, never enforced. */
  readonly dryRun: boolean;
  readonly provider: string | undefined;
}

export const SOURCE_FIELDS = [
  "principals",
  "notPrincipals",
  "requestPrincipals",
  "notRequestPrincipals",
  "namespaces",
  "notNamespaces",
  "ipBlocks",
  "notIpBlocks",
  "remoteIpBlocks",
  "notRemoteIpBlocks",
  "serviceAccounts",
  "notServiceAccounts",
  "trustDomains",
  "notTrustDomains",
] as const;
export const OPERATION_FIELDS = ["hosts", "notHosts", "ports", "notPorts", "methods", "notMethods", "paths", "notPaths"] as const;

/** Fields that exist only in HTTP requests. */
export const HTTP_SOURCE_FIELDS = new Set(["requestPrincipals", "notRequestPrincipals"]);
export const HTTP_OPERATION_FIELDS = new Set(["hosts", "notHosts", "methods", "notMethods", "paths", "notPaths"]);
export const isHttpConditionKey = (key: string): boolean => key.startsWith("request.");

/** Source fields and `when` keys that need the peer's identity, which only mutual TLS carries. */
export const IDENTITY_SOURCE_FIELDS = new Set([
  "principals",
  "notPrincipals",
  "namespaces",
  "notNamespaces",
  "serviceAccounts",
  "notServiceAccounts",
  "trustDomains",
  "notTrustDomains",
]);
export const IDENTITY_CONDITION_KEYS = new Set(["source.principal", "source.namespace", "connection.sni"]);

const strings = (v: unknown): readonly string[] => asArray(v).filter((x): x is string => typeof x === "string");

const parsed = new WeakMap<Resource, AuthzPolicy>();

/** An AuthorizationPolicy as the engine reads it (malformed parts are dropped, never thrown on). */
export function parsePolicy(resource: Resource): AuthzPolicy {
  const cached = parsed.get(resource);
  if (cached) return cached;
  const s = spec(resource);
  const action = (asString(s.action) ?? "ALLOW") as Action;
  const rules = Array.isArray(s.rules)
    ? asArray(s.rules).flatMap((r, i): AuthzRule[] => {
        const rule = asObject(r);
        if (!rule) return [];
        const path: FieldPath = ["spec", "rules", i];
        const from = Array.isArray(rule.from)
          ? asArray(rule.from).map((f, j) => ({
              path: [...path, "from", j, "source"],
              fields: withNamespacedAccounts(fieldsOf(asObject(asObject(f)?.source), SOURCE_FIELDS), resource.namespace),
            }))
          : undefined;
        const to = Array.isArray(rule.to)
          ? asArray(rule.to).map((t, j) => ({ path: [...path, "to", j, "operation"], fields: fieldsOf(asObject(asObject(t)?.operation), OPERATION_FIELDS) }))
          : undefined;
        const when = asArray(rule.when).flatMap((c, j) => {
          const cond = asObject(c);
          const key = asString(cond?.key);
          if (!cond || !key) return [];
          const values = strings(cond.values);
          const notValues = strings(cond.notValues);
          return [{ path: [...path, "when", j], key, values: values.length ? values : undefined, notValues: notValues.length ? notValues : undefined }];
        });
        return [{ index: i, path, from: from?.length ? from : undefined, to: to?.length ? to : undefined, when }];
      })
    : undefined;
  const policy: AuthzPolicy = {
    resource,
    action: ["ALLOW", "DENY", "CUSTOM", "AUDIT"].includes(action) ? action : "ALLOW",
    rules,
    dryRun: (annotationsOf(resource)["istio.io/dry-run"] ?? "").toLowerCase() === "true",
    provider: asString(asObject(s.provider)?.name),
  };
  parsed.set(resource, policy);
  return policy;
}

/** `serviceAccounts: [sa]` names an account of the policy's own namespace: written out as `ns/sa`. */
function withNamespacedAccounts(fields: Record<string, readonly string[]>, namespace: string): Record<string, readonly string[]> {
  for (const key of ["serviceAccounts", "notServiceAccounts"]) {
    const list = fields[key];
    if (list) fields[key] = list.map((v) => (v.includes("/") ? v : `${namespace}/${v}`));
  }
  return fields;
}

function fieldsOf(obj: JsonObject | undefined, names: readonly string[]): Record<string, readonly string[]> {
  const out: Record<string, readonly string[]> = {};
  if (!obj) return out;
  for (const name of names) {
    const values = strings(obj[name]);
    if (values.length) out[name] = values;
  }
  return out;
}

/** The server an authorization decision is made for. */
export interface AuthzTarget extends PodRef {
  /** The workload, when the repository holds it (policies with targetRefs to a Gateway select it by label). */
  readonly workload?: Workload | undefined;
}

/** The AuthorizationPolicies that apply to a pod (see policyAppliesTo), parsed. */
export const applicablePolicies = (index: ResourceIndex, pod: AuthzTarget): AuthzPolicy[] =>
  policiesApplyingTo(index, K.AuthorizationPolicy, pod).map(parsePolicy);

/** A request as the engine evaluates it. */
export interface AuthzRequest {
  /** The caller's identity, known only over mutual TLS. */
  readonly peer: { readonly namespace: string; readonly serviceAccount: string } | undefined;
  /** The destination (container) port. */
  readonly port: number | undefined;
  /** Whether the port carries HTTP (else TCP: HTTP-only fields follow the TCP rules). */
  readonly http: boolean;
  readonly method: string;
  readonly path: string;
  /** Host header values the request may carry (a Service is called by several names). */
  readonly hosts: readonly string[];
  readonly headers: Readonly<Record<string, string>>;
}

export interface RuleRef {
  readonly policy: AuthzPolicy;
  /** Undefined when the policy as a whole decided (allow-nothing, no ALLOW rule matched). */
  readonly rule: AuthzRule | undefined;
  readonly path: FieldPath;
}

export type AuthzReason = "denied" | "allowed" | "no-allow-policy" | "no-allow-match";

export interface AuthzOutcome {
  readonly allowed: boolean;
  readonly reason: AuthzReason;
  /** The DENY rule that denied, the ALLOW rule that allowed, or the ALLOW policy that failed to (first of them). */
  readonly decidedBy: RuleRef | undefined;
  readonly allowPolicies: readonly AuthzPolicy[];
  /** CUSTOM rules that match: their provider is asked first (meshlint assumes it allows). */
  readonly custom: readonly RuleRef[];
  /** Policies skipped because they are in dry-run mode. */
  readonly dryRun: readonly AuthzPolicy[];
  /** What meshlint had to assume (attributes a repository cannot know). */
  readonly notes: readonly string[];
  /** For each ALLOW policy that did not match, its first rule's first failing field (for explanations). */
  readonly misses: readonly { readonly policy: AuthzPolicy; readonly path: FieldPath; readonly why: string }[];
}

/** Evaluates a request against the policies that apply, in Istio's order. */
export function evaluate(index: ResourceIndex, policies: readonly AuthzPolicy[], request: AuthzRequest): AuthzOutcome {
  const notes = new Set<string>();
  const ctx: MatchContext = { index, request, notes };
  const enforced = policies.filter((p) => !p.dryRun);
  const dryRun = policies.filter((p) => p.dryRun);
  const custom: RuleRef[] = [];
  for (const p of enforced.filter((x) => x.action === "CUSTOM")) {
    const rule = (p.rules ?? []).find((r) => matchRule(ctx, r, "CUSTOM").matched);
    if (rule) custom.push({ policy: p, rule, path: rule.path });
  }
  const base = { custom, dryRun, notes: [] as string[] };
  for (const p of enforced.filter((x) => x.action === "DENY")) {
    const rule = (p.rules ?? []).find((r) => matchRule(ctx, r, "DENY").matched);
    if (rule) return { ...base, allowed: false, reason: "denied", decidedBy: { policy: p, rule, path: rule.path }, allowPolicies: [], misses: [], notes: [...notes] };
  }
  const allow = enforced.filter((x) => x.action === "ALLOW");
  if (allow.length === 0) return { ...base, allowed: true, reason: "no-allow-policy", decidedBy: undefined, allowPolicies: [], misses: [], notes: [...notes] };
  const misses: { policy: AuthzPolicy; path: FieldPath; why: string }[] = [];
  for (const p of allow) {
    let firstMiss: { path: FieldPath; why: string } | undefined;
    for (const rule of p.rules ?? []) {
      const m = matchRule(ctx, rule, "ALLOW");
      if (m.matched) return { ...base, allowed: true, reason: "allowed", decidedBy: { policy: p, rule, path: rule.path }, allowPolicies: allow, misses: [], notes: [...notes] };
      firstMiss ??= { path: m.path, why: m.why };
    }
    misses.push({ policy: p, ...(firstMiss ?? { path: ["spec"], why: "the policy has no rules, so it matches nothing" }) });
  }
  // The ALLOW policy that came closest: the first with rules, at the field where its first rule failed.
  const closest = misses.find((m) => (m.policy.rules ?? []).length > 0) ?? (misses[0] as (typeof misses)[number]);
  return { ...base, allowed: false, reason: "no-allow-match", decidedBy: { policy: closest.policy, rule: undefined, path: closest.path }, allowPolicies: allow, misses, notes: [...notes] };
}

interface MatchContext {
  readonly index: ResourceIndex;
  readonly request: AuthzRequest;
  readonly notes: Set<string>;
}

type Match = { matched: true } | { matched: false; path: FieldPath; why: string };
const YES: Match = { matched: true };

/** Whether one rule matches a request, and where it fails when it does not. */
export function matchRule(ctx: MatchContext, rule: AuthzRule, action: Action): Match {
  const tcp = !ctx.request.http;
  const permissive = action === "DENY" || action === "AUDIT";
  if (tcp && !permissive && ruleUsesHttp(rule)) {
    return { matched: false, path: rule.path, why: "it uses HTTP-only fields and the port carries TCP, where such a rule never matches" };
  }
  if (rule.from) {
    const misses = rule.from.map((s) => matchFields(ctx, s.path, s.fields, tcp && permissive ? HTTP_SOURCE_FIELDS : undefined));
    const hit = misses.find((m) => m.matched);
    if (!hit) return misses[0] as Match;
  }
  if (rule.to) {
    const misses = rule.to.map((o) => matchFields(ctx, o.path, o.fields, tcp && permissive ? HTTP_OPERATION_FIELDS : undefined));
    const hit = misses.find((m) => m.matched);
    if (!hit) return misses[0] as Match;
  }
  for (const c of rule.when) {
    if (tcp && permissive && isHttpConditionKey(c.key)) continue;
    const value = attribute(ctx, c.key);
    const ok = (c.values === undefined || (value !== undefined && c.values.some((v) => valueMatches(c.key, v, value)))) &&
      (c.notValues === undefined || value === undefined || !c.notValues.some((v) => valueMatches(c.key, v, value)));
    if (!ok) return { matched: false, path: c.path, why: `condition "${c.key}" does not hold (${value === undefined ? "the request has no such attribute" : `its value is "${value}"`})` };
  }
  return YES;
}

export const ruleUsesHttp = (rule: AuthzRule): boolean =>
  (rule.from ?? []).some((s) => Object.keys(s.fields).some((f) => HTTP_SOURCE_FIELDS.has(f))) ||
  (rule.to ?? []).some((o) => Object.keys(o.fields).some((f) => HTTP_OPERATION_FIELDS.has(f))) ||
  rule.when.some((c) => isHttpConditionKey(c.key));

function matchFields(ctx: MatchContext, base: FieldPath, fields: Readonly<Record<string, readonly string[]>>, ignore: Set<string> | undefined): Match {
  for (const [field, patterns] of Object.entries(fields)) {
    if (ignore?.has(field)) continue;
    const negative = field.startsWith("not");
    const positiveName = negative ? field[3]?.toLowerCase() + field.slice(4) : field;
    const values = requestValues(ctx, positiveName);
    const hit = values !== undefined && values.some((v) => patterns.some((p) => fieldMatches(ctx, positiveName, p, v)));
    if (negative ? hit : !hit) {
      const shown = values === undefined ? "the request carries none" : `the request has ${values.map((v) => `"${v}"`).join(" or ")}`;
      return { matched: false, path: [...base, field], why: `${field} ${patterns.map((p) => `"${p}"`).join(", ")} ${negative ? "excludes it" : "does not match"} (${shown})` };
    }
  }
  return YES;
}

/** The request's values for a source or operation field; undefined when the request carries none. */
function requestValues(ctx: MatchContext, field: string): readonly string[] | undefined {
  const { request, index } = ctx;
  switch (field) {
    case "principals":
      return request.peer ? [principalOf(index, request.peer.namespace, request.peer.serviceAccount)] : undefined;
    case "namespaces":
      return request.peer ? [request.peer.namespace] : undefined;
    case "serviceAccounts":
      return request.peer ? [`${request.peer.namespace}/${request.peer.serviceAccount}`] : undefined;
    case "trustDomains":
      return request.peer ? [trustDomains(index).domain] : undefined;
    case "requestPrincipals":
      return undefined;
    case "ipBlocks":
    case "remoteIpBlocks":
      ctx.notes.add(`The caller's IP address is unknown offline: "${field}" is taken not to match it.`);
      return undefined;
    case "hosts":
      return request.hosts;
    case "ports":
      return request.port === undefined ? undefined : [String(request.port)];
    case "methods":
      return [request.method];
    case "paths":
      return [request.path];
    default:
      return undefined;
  }
}

function fieldMatches(ctx: MatchContext, field: string, pattern: string, value: string): boolean {
  switch (field) {
    case "principals":
      return stringMatches(normalizePrincipal(ctx.index, pattern), value);
    case "serviceAccounts":
    case "ports":
      return pattern === value;
    case "hosts":
      return stringMatches(pattern.toLowerCase(), value.toLowerCase());
    case "paths":
      return pattern.includes("{") ? templateMatches(pattern, value) : stringMatches(pattern, value);
    default:
      return stringMatches(pattern, value);
  }
}

/** Istio's string match: exact, `prefix*`, `*suffix`, or `*` for any non-empty value. */
export function stringMatches(pattern: string, value: string): boolean {
  // Istio's order (authz/matcher StringMatcherWithPrefix): a leading `*` makes a suffix match before a trailing one
  // makes a prefix match; a `*` anywhere else is a literal character.
  if (pattern === "*") return value !== "";
  if (pattern.startsWith("*")) return value.endsWith(pattern.slice(1));
  if (pattern.endsWith("*")) return value.startsWith(pattern.slice(0, -1));
  return pattern === value;
}

/** Path templates: `{*}` one segment, `{**}` any number of trailing segments (Istio 1.22+). */
export function templateMatches(template: string, path: string): boolean {
  const t = template.split("/");
  const p = path.split("?")[0]?.split("/") ?? [];
  for (let i = 0; i < t.length; i++) {
    const seg = t[i];
    if (seg === "{**}") return p.length > i || i === t.length - 1;
    if (i >= p.length) return false;
    if (seg === "{*}") {
      if (!p[i]) return false;
    } else if (seg !== p[i]) return false;
  }
  return t.length === p.length;
}

/** The trust domain and its aliases, from the mesh config. */
export function trustDomains(index: ResourceIndex): { domain: string; aliases: readonly string[] } {
  const domain = asString(index.settings.meshConfig.trustDomain) || "cluster.local";
  return { domain, aliases: strings(index.settings.meshConfig.trustDomainAliases) };
}

/** The SPIFFE-style principal Istio gives a workload: `<trust domain>/ns/<namespace>/sa/<service account>`. */
export const principalOf = (index: ResourceIndex, namespace: string, serviceAccount: string): string =>
  `${trustDomains(index).domain}/ns/${namespace}/sa/${serviceAccount}`;

/** A principal written with a trust domain alias (or `cluster.local`, which Istio treats as the local domain) stands for the trust domain. */
export function normalizePrincipal(index: ResourceIndex, principal: string): string {
  const { domain, aliases } = trustDomains(index);
  const cut = principal.indexOf("/ns/");
  if (cut <= 0 || principal.startsWith("*")) return principal;
  const td = principal.slice(0, cut);
  return td === domain || aliases.includes(td) || td === "cluster.local" ? `${domain}${principal.slice(cut)}` : principal;
}

function attribute(ctx: MatchContext, key: string): string | undefined {
  const { request, index } = ctx;
  const header = /^request\.headers\[(.+)\]$/.exec(key);
  if (header?.[1]) {
    const name = header[1].toLowerCase();
    const value = Object.entries(request.headers).find(([k]) => k.toLowerCase() === name)?.[1];
    if (value === undefined) ctx.notes.add(`The request is taken to carry no "${header[1]}" header.`);
    return value;
  }
  switch (key) {
    case "source.namespace":
      return request.peer?.namespace;
    case "source.principal":
      return request.peer ? principalOf(index, request.peer.namespace, request.peer.serviceAccount) : undefined;
    case "destination.port":
      return request.port === undefined ? undefined : String(request.port);
    default:
      if (key.startsWith("request.auth.")) ctx.notes.add("The request is taken to carry no JWT (no request principal or claims).");
      else ctx.notes.add(`"${key}" is unknown offline: conditions on it are taken not to hold.`);
      return undefined;
  }
}

function valueMatches(key: string, pattern: string, value: string): boolean {
  if (key === "source.principal") return stringMatches(pattern, value);
  if (key === "destination.port") return pattern === value;
  return stringMatches(pattern, value);
}

// ---- Static analysis over rules (no request): coverage between rules, for shadowing and redundancy. ----

/** Whether every request `inner` matches is also matched by `outer` (a sound, conservative check). */
export function ruleCovers(outer: AuthzRule, inner: AuthzRule): boolean {
  if (outer.from && !(inner.from && inner.from.every((i) => outer.from?.some((o) => fieldsCover(o.fields, i.fields))))) return false;
  if (outer.to && !(inner.to && inner.to.every((i) => outer.to?.some((o) => fieldsCover(o.fields, i.fields))))) return false;
  return outer.when.every((o) =>
    inner.when.some((i) => i.key === o.key && valuesCover(o.values, i.values) && sameValues(o.notValues, i.notValues)),
  );
}

function fieldsCover(outer: Readonly<Record<string, readonly string[]>>, inner: Readonly<Record<string, readonly string[]>>): boolean {
  return Object.entries(outer).every(([field, patterns]) => {
    const own = inner[field];
    if (!own) return false;
    // A `not*` field excludes more when it lists more values: the outer one must exclude no more than the inner.
    return field.startsWith("not") ? patterns.every((p) => own.includes(p)) : own.every((v) => patterns.some((p) => p === v || (!v.includes("*") && stringMatches(p, v))));
  });
}

const valuesCover = (outer: Values, inner: Values): boolean =>
  outer === undefined || (inner !== undefined && inner.every((v) => outer.some((p) => p === v || (!v.includes("*") && stringMatches(p, v)))));

const sameValues = (a: Values, b: Values): boolean => (a ?? []).length === (b ?? []).length && (a ?? []).every((v) => (b ?? []).includes(v));

/**
 * Whether `outer` applies to every pod `inner` applies to: mesh-wide, namespace-wide in the same namespace, or a
 * selector with a subset of the labels (same namespace, or the root namespace).
 */
export function scopeCovers(index: ResourceIndex, outer: Resource, inner: Resource): boolean {
  const root = index.settings.rootNamespace;
  const o = policyTarget(outer);
  const i = policyTarget(inner);
  if (o.kind === "targetRefs" || i.kind === "targetRefs") return false;
  const sameNamespace = outer.namespace === inner.namespace;
  if (!sameNamespace && outer.namespace !== root) return false;
  if (o.kind === "namespace") return true;
  if (i.kind === "namespace") return false;
  if (o.selector.expressions.length || i.selector.expressions.length) return false;
  return Object.entries(o.selector.matchLabels).every(([k, v]) => i.selector.matchLabels[k] === v);
}

/** Whether a rule names its callers by peer identity alone (principals, namespaces, service accounts), which the repository can answer. */
export function identityOnlySources(rule: AuthzRule): boolean {
  return rule.from !== undefined && rule.from.every((s) => {
    const names = Object.keys(s.fields);
    return names.length > 0 && names.every((n) => n === "principals" || n === "namespaces" || n === "serviceAccounts");
  });
}

/** Whether a source's identity fields admit a caller (namespace and service account), ignoring non-identity fields. */
export function sourceAdmits(index: ResourceIndex, source: Source, namespace: string, serviceAccount: string): boolean {
  const principal = principalOf(index, namespace, serviceAccount);
  const check = (field: string, value: string, match: (p: string) => boolean) => {
    const patterns = source.fields[field];
    const negative = source.fields[`not${field[0]?.toUpperCase()}${field.slice(1)}`];
    return (!patterns || patterns.some(match)) && !(negative ?? []).some(match) && value !== "";
  };
  return (
    check("principals", principal, (p) => stringMatches(normalizePrincipal(index, p), principal)) &&
    check("namespaces", namespace, (p) => stringMatches(p, namespace)) &&
    check("serviceAccounts", `${namespace}/${serviceAccount}`, (p) => p === `${namespace}/${serviceAccount}`)
  );
}

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"] as const;
