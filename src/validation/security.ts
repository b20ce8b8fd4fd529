/**
 * AuthorizationPolicy and RequestAuthentication checks of Istio's validating webhook beyond the CRD
 * (ValidateAuthorizationPolicy, ValidateRequestAuthentication and pkg/config/security; paraphrased).
 */
import { type FieldPath, type Json, type JsonObject, type Resource, asArray, asObject, asString, spec } from "../model/resource.js";
import { type Sink, checkCelDuration, isIpOrCidr, isSet, objectsAt, type Problem, collect } from "./common.js";

const SOURCE_FIELDS = [
  "principals", "requestPrincipals", "namespaces", "ipBlocks", "remoteIpBlocks", "serviceAccounts", "trustDomains",
  "notPrincipals", "notRequestPrincipals", "notNamespaces", "notIpBlocks", "notRemoteIpBlocks", "notServiceAccounts", "notTrustDomains",
];
const OPERATION_FIELDS = ["ports", "methods", "paths", "hosts", "notPorts", "notMethods", "notPaths", "notHosts"];
/** Source fields that TCP traffic carries (mTLS identity, addresses); the rest are HTTP-only. */
const TCP_SOURCE_FIELDS = ["principals", "notPrincipals", "namespaces", "notNamespaces", "ipBlocks", "notIpBlocks", "remoteIpBlocks", "notRemoteIpBlocks", "serviceAccounts", "notServiceAccounts", "trustDomains", "notTrustDomains"];
const CUSTOM_UNSUPPORTED_SOURCE = ["namespaces", "notNamespaces", "principals", "notPrincipals", "requestPrincipals", "notRequestPrincipals", "serviceAccounts", "notServiceAccounts", "trustDomains", "notTrustDomains"];
const CUSTOM_UNSUPPORTED_KEYS = ["source.namespace", "source.principal", "source.serviceAccount", "source.trustDomain"];

/** The action, ALLOW when unset. */
export const policyAction = (policy: Resource): string => asString(spec(policy).action) ?? "ALLOW";

/** Whether `rules` is written at all (an empty list still counts; `null` does not). */
const rulesWritten = (s: JsonObject): boolean => isSet(s, "rules");

/** Why a `key[...]` attribute is malformed, or undefined. */
function mapKeyProblem(key: string): string | undefined {
  const open = key.indexOf("[");
  return key.endsWith("]") && open > 0 && open < key.length - 2 ? undefined : 'it should have the form "name[key]"';
}

/** Istio's ValidateAttribute for `when` keys: undefined when known, else why not. */
export function conditionKeyProblem(key: string): string | undefined {
  if (key.startsWith("request.headers") || key.startsWith("request.auth.claims") || key.startsWith("experimental.envoy.filters.")) return mapKeyProblem(key);
  if (key === "destination.namespace") return 'use the policy\'s namespace instead of "destination.namespace"';
  if (key.startsWith("destination.labels")) return 'use the workload selector instead of "destination.labels"';
  if (key === "destination.name" || key === "destination.user") return "it was only supported in v1alpha1";
  const known = [
    "source.ip", "remote.ip", "source.namespace", "source.principal", "source.serviceAccount", "source.trustDomain",
    "request.auth.principal", "request.auth.audiences", "request.auth.presenter", "destination.ip", "destination.port", "connection.sni",
  ];
  return known.includes(key) ? undefined : "it is not a known attribute";
}

const isPort = (v: string): boolean => /^\d+$/.test(v) && Number(v) <= 65535;

/** Named variables (`{name}`, `{name=*}`), empty braces, and bare `*`/`**` segments, which path templates do not support. */
const UNSUPPORTED_TEMPLATE = /\/\{\w+=\*\*?\}|\{\w*\}|\/\*\*?|\*\*?\//;

/** A path using the `{*}` / `{**}` templates may not also use other template forms; undefined when fine. */
export function pathTemplateProblem(path: string): string | undefined {
  if (!path.includes("{*}") && !path.includes("{**}")) return undefined;
  const m = UNSUPPORTED_TEMPLATE.exec(path);
  return m ? `"${m[0]}" is not a supported template (only "{*}" and "{**}" are)` : undefined;
}

export type AuthorizationMessage =
  | "customWithoutRules"
  | "denyWithoutRules"
  | "providerMissing"
  | "providerWithoutCustom"
  | "customUnsupported"
  | "listEmpty"
  | "entryMissing"
  | "entryEmpty"
  | "valueEmpty"
  | "ipInvalid"
  | "portInvalid"
  | "pathTemplateInvalid"
  | "serviceAccountInvalid"
  | "trustDomainInvalid"
  | "conditionKeyEmpty"
  | "conditionValuesMissing"
  | "conditionKeyInvalid";

function checkValues(sink: Sink<AuthorizationMessage>, o: JsonObject, path: FieldPath, fields: readonly string[], prefix: string): void {
  for (const f of fields) {
    asArray(o[f]).forEach((v, i) => {
      if (v === "") sink.error([...path, f, i], "valueEmpty", { field: `${prefix}.${f}` });
      else if (typeof v !== "string") return;
      else if (/[iI]pBlocks$/.test(f) && !isIpOrCidr(v)) sink.error([...path, f, i], "ipInvalid", { field: `${prefix}.${f}`, value: v });
      else if (/[pP]orts$/.test(f) && !isPort(v)) sink.error([...path, f, i], "portInvalid", { field: `${prefix}.${f}`, value: v });
      else if (/[pP]aths$/.test(f)) {
        const problem = pathTemplateProblem(v);
        if (problem) sink.error([...path, f, i], "pathTemplateInvalid", { value: v, reason: problem });
      } else if (/[sS]erviceAccounts$/.test(f)) {
        const problem = v.includes("*") ? "wildcards are not allowed" : v.split("/").length > 2 ? 'it should be "name" or "namespace/name"' : v.split("/").some((p) => p === "") ? "a part is empty" : undefined;
        if (problem) sink.error([...path, f, i], "serviceAccountInvalid", { value: v, reason: problem });
      } else if (/[tT]rustDomains$/.test(f) && v.includes("/")) sink.error([...path, f, i], "trustDomainInvalid", { value: v });
    });
  }
}

function checkCondition(sink: Sink<AuthorizationMessage>, condition: JsonObject, path: FieldPath): void {
  const key = asString(condition.key) ?? "";
  if (key === "") {
    sink.error(path, "conditionKeyEmpty");
    return;
  }
  if (asArray(condition.values).length === 0 && asArray(condition.notValues).length === 0) {
    sink.error(path, "conditionValuesMissing", { key });
    return;
  }
  const problem = conditionKeyProblem(key);
  if (problem) {
    sink.error([...path, "key"], "conditionKeyInvalid", { key, reason: problem });
    return;
  }
  for (const field of ["values", "notValues"]) {
    asArray(condition[field]).forEach((v, i) => {
      if (typeof v !== "string") return;
      const at = [...path, field, i];
      if (v === "") sink.error(at, "valueEmpty", { field: `when.${field}` });
      else if ((key === "source.ip" || key === "remote.ip" || key === "destination.ip") && !isIpOrCidr(v)) sink.error(at, "ipInvalid", { field: key, value: v });
      else if (key === "destination.port" && !isPort(v)) sink.error(at, "portInvalid", { field: key, value: v });
    });
  }
}

/** Action/provider/rules consistency, from/to/when structure and values. */
function checkAuthorizationPolicy(policy: Resource, sink: Sink<AuthorizationMessage>): void {
  const s = spec(policy);
  const action = policyAction(policy);
  if (action === "CUSTOM") {
    if (!rulesWritten(s)) sink.error(["spec"], "customWithoutRules");
    else if (!asString(asObject(s.provider)?.name)) sink.error(isSet(s, "provider") ? ["spec", "provider"] : ["spec"], "providerMissing");
  } else if (isSet(s, "provider")) sink.error(["spec", "provider"], "providerWithoutCustom", { action });
  if (action === "DENY" && !rulesWritten(s)) sink.error(["spec"], "denyWithoutRules");

  for (const { value: rule, path } of objectsAt(s, "rules", ["spec"])) {
    for (const list of ["from", "to"] as const) {
      if (Array.isArray(rule[list]) && (rule[list] as Json[]).length === 0) sink.error([...path, list], "listEmpty", { field: list });
    }
    for (const { value: from, path: at } of objectsAt(rule, "from", path)) {
      const source = asObject(from.source);
      if (!source) {
        sink.error(at, "entryMissing", { field: "from", child: "source" });
        continue;
      }
      if (!SOURCE_FIELDS.some((f) => asArray(source[f]).length > 0)) sink.error([...at, "source"], "entryEmpty", { field: "source" });
      checkValues(sink, source, [...at, "source"], SOURCE_FIELDS, "source");
      if (action === "CUSTOM") {
        for (const f of CUSTOM_UNSUPPORTED_SOURCE) if (asArray(source[f]).length) sink.error([...at, "source", f], "customUnsupported", { field: `source.${f}` });
      }
    }
    for (const { value: to, path: at } of objectsAt(rule, "to", path)) {
      const operation = asObject(to.operation);
      if (!operation) {
        sink.error(at, "entryMissing", { field: "to", child: "operation" });
        continue;
      }
      if (!OPERATION_FIELDS.some((f) => asArray(operation[f]).length > 0)) sink.error([...at, "operation"], "entryEmpty", { field: "operation" });
      checkValues(sink, operation, [...at, "operation"], OPERATION_FIELDS, "operation");
    }
    for (const { value: condition, path: at } of objectsAt(rule, "when", path)) {
      checkCondition(sink, condition, at);
      const key = asString(condition.key) ?? "";
      if (action === "CUSTOM" && (CUSTOM_UNSUPPORTED_KEYS.includes(key) || key.startsWith("request.auth."))) {
        sink.error([...at, "key"], "customUnsupported", { field: key });
      }
    }
  }
}

/** Whether a rule's `from` or `to` lacks the TCP-visible attributes that Istio's DENY-on-TCP warning looks for. */
export function httpOnlyDenyRule(rule: JsonObject): boolean {
  const sources = asArray(rule.from).map((f) => asObject(asObject(f)?.source)).filter((x): x is JsonObject => !!x);
  const operations = asArray(rule.to).map((t) => asObject(asObject(t)?.operation)).filter((x): x is JsonObject => !!x);
  const tcpFrom = sources.some((src) => TCP_SOURCE_FIELDS.some((f) => asArray(src[f]).length > 0));
  const tcpTo = operations.some((op) => asArray(op.ports).length > 0 || asArray(op.notPorts).length > 0);
  return (sources.length > 0 && operations.length === 0 && !tcpFrom) || (operations.length > 0 && !tcpTo);
}

const HTTP_SOURCE_FIELDS = ["requestPrincipals", "notRequestPrincipals"];
const HTTP_OPERATION_FIELDS = ["methods", "notMethods", "paths", "notPaths", "hosts", "notHosts"];

/** Whether an ALLOW rule uses an HTTP-only attribute, which makes Istio drop the whole rule on TCP ports. */
export function usesHttpOnlyAttribute(rule: JsonObject): boolean {
  const sources = asArray(rule.from).map((f) => asObject(asObject(f)?.source));
  const operations = asArray(rule.to).map((t) => asObject(asObject(t)?.operation));
  const conditions = asArray(rule.when).map((w) => asString(asObject(w)?.key) ?? "");
  return (
    sources.some((src) => HTTP_SOURCE_FIELDS.some((f) => asArray(src?.[f]).length > 0)) ||
    operations.some((op) => HTTP_OPERATION_FIELDS.some((f) => asArray(op?.[f]).length > 0)) ||
    conditions.some((k) => k.startsWith("request."))
  );
}

export type RequestAuthenticationMessage = "issuerMissing" | "jwksInvalid" | "jwksPrivateKey" | "durationPrecision";

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k"];

/** Why an inline JWKS does not parse as a JWK set or key, or undefined; and whether it holds private material. */
export function inspectJwks(text: string): { problem?: string; privateKey?: boolean } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: "it is not valid JSON" };
  }
  const o = asObject(value);
  if (!o) return { problem: "it is not a JSON object" };
  const keys = Array.isArray(o.keys) ? o.keys.map(asObject) : [o];
  if (keys.length === 0 && Array.isArray(o.keys)) return {};
  if (keys.some((k) => !k || typeof k.kty !== "string")) return { problem: 'every key needs a "kty"' };
  return { privateKey: keys.some((k) => PRIVATE_MEMBERS.some((m) => k?.[m] !== undefined)) };
}

/** JWT rules: an issuer (or JWKS URI), a parsable inline JWKS without private keys, timeouts to the millisecond. */
function checkRequestAuthentication(ra: Resource, sink: Sink<RequestAuthenticationMessage>): void {
  for (const { value: rule, path } of objectsAt(spec(ra), "jwtRules", ["spec"])) {
    if (!asString(rule.issuer) && !asString(rule.jwksUri) && !asString(rule.jwks_uri)) sink.error(path, "issuerMissing");
    const jwks = asString(rule.jwks);
    if (jwks) {
      const { problem, privateKey } = inspectJwks(jwks);
      if (problem) sink.error([...path, "jwks"], "jwksInvalid", { reason: problem });
      else if (privateKey) sink.warn([...path, "jwks"], "jwksPrivateKey");
    }
    checkCelDuration(sink, [...path, "timeout"], "timeout", rule.timeout);
  }
}

export const validateAuthorizationPolicy = (resource: Resource): Problem<AuthorizationMessage>[] => collect((sink: Sink<AuthorizationMessage>) => checkAuthorizationPolicy(resource, sink));

export const validateRequestAuthentication = (resource: Resource): Problem<RequestAuthenticationMessage>[] => collect((sink: Sink<RequestAuthenticationMessage>) => checkRequestAuthentication(resource, sink));
