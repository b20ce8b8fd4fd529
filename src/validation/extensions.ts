/**
 * EnvoyFilter and Telemetry checks of Istio's validating webhook beyond the CRD (ValidateEnvoyFilter and
 * ValidateTelemetry; paraphrased). EnvoyFilter patch values are not converted to Envoy protos here: only references
 * to xDS v2 types, which no longer exist, are caught.
 */
import { parse as parseCel } from "@bufbuild/cel";
import { type FieldPath, type Json, type JsonObject, type Resource, asArray, asObject, asString, spec } from "../model/resource.js";
import { type Sink, isSet, objectsAt, regexCompileProblem, type Problem, collect } from "./common.js";

const LISTENER_CLASS = new Set(["LISTENER", "FILTER_CHAIN", "NETWORK_FILTER", "HTTP_FILTER"]);
const ROUTE_CLASS = new Set(["ROUTE_CONFIGURATION", "VIRTUAL_HOST", "HTTP_ROUTE"]);
const MATCH_OBJECTS = ["listener", "routeConfiguration", "cluster", "waypoint"];
const HCM = "envoy.filters.network.http_connection_manager";

/** Envoy's old filter names that Istio still maps, with their current names. */
export const DEPRECATED_FILTER_NAMES: Readonly<Record<string, string>> = {
  "envoy.http_connection_manager": HCM,
  "envoy.tcp_proxy": "envoy.filters.network.tcp_proxy",
  "envoy.mongo_proxy": "envoy.filters.network.mongo_proxy",
  "envoy.redis_proxy": "envoy.filters.network.redis_proxy",
  "envoy.client_ssl_auth": "envoy.filters.network.client_ssl_auth",
  "envoy.echo": "envoy.filters.network.echo",
  "envoy.router": "envoy.filters.http.router",
  "envoy.cors": "envoy.filters.http.cors",
  "envoy.fault": "envoy.filters.http.fault",
  "envoy.lua": "envoy.filters.http.lua",
  "envoy.buffer": "envoy.filters.http.buffer",
  "envoy.csrf": "envoy.filters.http.csrf",
  "envoy.gzip": "envoy.filters.http.gzip",
  "envoy.grpc_web": "envoy.filters.http.grpc_web",
  "envoy.grpc_http1_bridge": "envoy.filters.http.grpc_http1_bridge",
  "envoy.grpc_json_transcoder": "envoy.filters.http.grpc_json_transcoder",
  "envoy.health_check": "envoy.filters.http.health_check",
  "envoy.ip_tagging": "envoy.filters.http.ip_tagging",
  "envoy.rate_limit": "envoy.filters.http.ratelimit",
  "envoy.squash": "envoy.filters.http.squash",
  "envoy.listener.http_inspector": "envoy.filters.listener.http_inspector",
  "envoy.listener.original_dst": "envoy.filters.listener.original_dst",
  "envoy.listener.tls_inspector": "envoy.filters.listener.tls_inspector",
};

export type EnvoyFilterMessage =
  | "patchFieldMissing"
  | "regexInvalid"
  | "matchClassMismatch"
  | "filterMatchIgnored"
  | "filterNameMissing"
  | "subFilterApplyTo"
  | "subFilterParent"
  | "subFilterNameMissing"
  | "filterNameDeprecated"
  | "typeV2";

/** The `@type` URLs in a patch value that name xDS v2 types, with their paths. */
function v2Types(value: Json | undefined, path: FieldPath, out: { value: string; path: FieldPath }[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => v2Types(v, [...path, i], out));
  const o = asObject(value);
  if (!o) return;
  for (const [k, v] of Object.entries(o)) {
    if (k === "@type" && typeof v === "string" && /\.v2(alpha)?\./.test(v)) out.push({ value: v, path: [...path, k] });
    else v2Types(v, [...path, k], out);
  }
}

function checkFilterMatch(sink: Sink<EnvoyFilterMessage>, applyTo: string, filter: JsonObject, path: FieldPath): void {
  if (applyTo === "LISTENER" || applyTo === "FILTER_CHAIN") sink.warn(path, "filterMatchIgnored", { applyTo });
  const name = asString(filter.name) ?? "";
  if (name === "") {
    sink.error(path, "filterNameMissing");
    return;
  }
  const sub = asObject(filter.subFilter);
  if (sub) {
    if (applyTo !== "HTTP_FILTER") return sink.error([...path, "subFilter"], "subFilterApplyTo");
    if (name !== HCM && name !== "envoy.http_connection_manager") return sink.error([...path, "name"], "subFilterParent");
    if (!asString(sub.name)) return sink.error([...path, "subFilter"], "subFilterNameMissing");
  }
  for (const [n, at] of [[name, [...path, "name"]], [asString(sub?.name) ?? "", [...path, "subFilter", "name"]]] as const) {
    const replacement = DEPRECATED_FILTER_NAMES[n];
    if (replacement) sink.warn(at, "filterNameDeprecated", { value: n, replacement });
  }
}

/** Each config patch: applyTo, patch, operation and value present; proxyVersion regex; match kind fits applyTo. */
function checkEnvoyFilter(ef: Resource, sink: Sink<EnvoyFilterMessage>): void {
  for (const { value: cp, path } of objectsAt(spec(ef), "configPatches", ["spec"])) {
    const match = asObject(cp.match);
    if (match?.context === "WAYPOINT") continue;
    const applyTo = asString(cp.applyTo) ?? "INVALID";
    const patch = asObject(cp.patch);
    const operation = asString(patch?.operation) ?? "INVALID";
    const missing = applyTo === "INVALID" ? "applyTo" : !patch ? "patch" : operation === "INVALID" ? "patch.operation" : operation !== "REMOVE" && !isSet(patch, "value") ? "patch.value" : undefined;
    if (missing) {
      sink.error(missing === "applyTo" ? [...path, "applyTo"] : missing === "patch" ? path : [...path, "patch"], "patchFieldMissing", { field: missing });
      continue;
    }
    const version = asString(asObject(match?.proxy)?.proxyVersion);
    // Istio ignores (with a warning in its logs) proxyVersion patterns longer than 1024 characters.
    const reason = version && version.length <= 1024 ? regexCompileProblem(version) : undefined;
    if (reason) sink.error([...path, "match", "proxy", "proxyVersion"], "regexInvalid", { field: "proxyVersion", reason });
    const objectType = MATCH_OBJECTS.find((k) => isSet(match, k));
    const expected = LISTENER_CLASS.has(applyTo) ? "listener" : ROUTE_CLASS.has(applyTo) ? "routeConfiguration" : applyTo === "CLUSTER" ? "cluster" : undefined;
    if (objectType && expected && objectType !== expected) {
      sink.error([...path, "match", objectType], "matchClassMismatch", { applyTo, expected, actual: objectType });
    } else if (expected === "listener") {
      const filter = asObject(asObject(asObject(match?.listener)?.filterChain)?.filter);
      if (filter) checkFilterMatch(sink, applyTo, filter, [...path, "match", "listener", "filterChain", "filter"]);
    }
    const types: { value: string; path: FieldPath }[] = [];
    v2Types(patch?.value, [...path, "patch", "value"], types);
    for (const t of types) sink.error(t.path, "typeV2", { value: t.value });
  }
}

export type TelemetryMessage = "tracingMultiple" | "providersMultiple" | "tagNameEmpty" | "tagOverrideNameEmpty" | "filterInvalid";

/** Tracing (one entry, one provider, named tags), metric tag overrides, access log filters that parse as CEL. */
function checkTelemetry(telemetry: Resource, sink: Sink<TelemetryMessage>): void {
  const s = spec(telemetry);
  const tracing = objectsAt(s, "tracing", ["spec"]);
  if (asArray(s.tracing).length > 1) sink.warn(["spec", "tracing"], "tracingMultiple", { count: asArray(s.tracing).length });
  for (const { value: t, path } of tracing) {
    const providers = asArray(t.providers).length;
    if (providers > 1) sink.warn([...path, "providers"], "providersMultiple", { count: providers });
    if (Object.hasOwn(asObject(t.customTags) ?? {}, "")) sink.error([...path, "customTags", ""], "tagNameEmpty", undefined, "key");
  }
  for (const { value: m, path } of objectsAt(s, "metrics", ["spec"])) {
    for (const o of objectsAt(m, "overrides", path)) {
      if (Object.hasOwn(asObject(o.value.tagOverrides) ?? {}, "")) sink.warn([...o.path, "tagOverrides", ""], "tagOverrideNameEmpty", undefined, "key");
    }
  }
  for (const { value: l, path } of objectsAt(s, "accessLogging", ["spec"])) {
    const expression = asString(asObject(l.filter)?.expression);
    if (expression === undefined) continue;
    try {
      parseCel(expression);
    } catch (error) {
      const reason = (error instanceof Error ? error.message : String(error)).split("\n")[0]?.replace(/^<input>:/, "at ").replace(/\.$/, "") ?? "";
      sink.error([...path, "filter", "expression"], "filterInvalid", { value: expression, reason });
    }
  }
}

export const validateEnvoyFilter = (resource: Resource): Problem<EnvoyFilterMessage>[] => collect((sink: Sink<EnvoyFilterMessage>) => checkEnvoyFilter(resource, sink));

export const validateTelemetry = (resource: Resource): Problem<TelemetryMessage>[] => collect((sink: Sink<TelemetryMessage>) => checkTelemetry(resource, sink));
