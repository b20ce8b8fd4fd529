/**
 * DestinationRule checks of Istio's validating webhook beyond the CRD (ValidateDestinationRule, validateTrafficPolicy,
 * the connection pool, outlier detection, client TLS, tunnel, load balancer and locality settings; paraphrased).
 * The connection pool check is shared with the Sidecar's inbound connection pools.
 */
import { type FieldPath, type JsonObject, type Resource, asNumber, asObject, asString, spec } from "../model/resource.js";
import {
  type ExportToMessage,
  type Sink,
  checkCelDuration,
  checkDuration,
  checkExportTo,
  checkLabels,
  checkPort,
  fqdnProblem,
  isDns1123Label,
  isIpAddress,
  isSet,
  objectsAt,
  portNumber,
  stringsAt,
  wildcardDomainProblem, type Problem, collect } from "./common.js";

export type ConnectionPoolMessage = "poolEmpty" | "negative" | "clientProtocolUpgrade" | DurationMessage;
type DurationMessage = "durationPrecision" | "durationTooShort" | "durationInvalid";

function checkNonNegative(sink: Sink<"negative">, o: JsonObject, path: FieldPath, prefix: string, fields: readonly string[]): void {
  for (const f of fields) {
    const v = asNumber(o[f]);
    if (v !== undefined && v < 0) sink.error([...path, f], "negative", { field: `${prefix}.${f}`, value: v });
  }
}

/** A connection pool: http and/or tcp, non-negative counters, durations to the millisecond. */
export function checkConnectionPool(sink: Sink<ConnectionPoolMessage>, pool: JsonObject | undefined, path: FieldPath): void {
  if (!pool) return;
  const http = asObject(pool.http);
  const tcp = asObject(pool.tcp);
  if (!http && !tcp) {
    sink.error(path, "poolEmpty");
    return;
  }
  if (http) {
    const at = [...path, "http"];
    checkNonNegative(sink, http, at, "http", ["http1MaxPendingRequests", "http2MaxRequests", "maxRequestsPerConnection", "maxRetries", "maxConcurrentStreams"]);
    checkCelDuration(sink, [...at, "idleTimeout"], "http.idleTimeout", http.idleTimeout);
    if (http.useClientProtocol === true && http.h2UpgradePolicy === "UPGRADE") sink.error([...at, "useClientProtocol"], "clientProtocolUpgrade");
  }
  if (tcp) {
    const at = [...path, "tcp"];
    checkNonNegative(sink, tcp, at, "tcp", ["maxConnections"]);
    for (const f of ["connectTimeout", "maxConnectionDuration"]) checkCelDuration(sink, [...at, f], `tcp.${f}`, tcp[f]);
    checkDuration(sink, [...at, "idleTimeout"], "tcp.idleTimeout", tcp.idleTimeout, { cel: false, zeroAllowed: true });
    const ka = asObject(tcp.tcpKeepalive);
    for (const f of ["time", "interval"]) checkCelDuration(sink, [...at, "tcpKeepalive", f], `tcpKeepalive.${f}`, ka?.[f]);
  }
}

export type DestinationRuleMessage =
  | Exclude<ExportToMessage, "exportToNoneMixed">
  | ConnectionPoolMessage
  | "hostInvalid"
  | "subsetDuplicate"
  | "subsetNameInvalid"
  | "labelKeyInvalid"
  | "labelValueInvalid"
  | "policyEmpty"
  | "tunnelWithProxyProtocol"
  | "portPolicyPortMissing"
  | "portPolicyEmpty"
  | "portRange"
  | "consecutiveErrorsDeprecated"
  | "localOriginWithoutSplit"
  | "percentRange"
  | "tlsConflict"
  | "tlsMissing"
  | "credentialNamespace"
  | "tunnelProtocol"
  | "tunnelHost"
  | "selectorExportTo";

function checkOutlier(sink: Sink<DestinationRuleMessage>, outlier: JsonObject | undefined, path: FieldPath): void {
  if (!outlier) return;
  for (const f of ["baseEjectionTime", "interval"]) checkCelDuration(sink, [...path, f], `outlierDetection.${f}`, outlier[f]);
  if ((asNumber(outlier.consecutiveErrors) ?? 0) !== 0) sink.warn([...path, "consecutiveErrors"], "consecutiveErrorsDeprecated");
  if ((asNumber(outlier.consecutiveLocalOriginFailures) ?? 0) > 0 && outlier.splitExternalLocalOriginErrors !== true) {
    sink.error([...path, "consecutiveLocalOriginFailures"], "localOriginWithoutSplit");
  }
  for (const f of ["maxEjectionPercent", "minHealthPercent"]) {
    const v = asNumber(outlier[f]);
    if (v !== undefined && (v < 0 || v > 100)) sink.error([...path, f], "percentRange", { field: `outlierDetection.${f}`, value: v });
  }
}

function checkClientTls(sink: Sink<DestinationRuleMessage>, tls: JsonObject | undefined, path: FieldPath, namespace: string): void {
  if (!tls) return;
  const mode = asString(tls.mode);
  const str = (f: string) => asString(tls[f]) ?? "";
  const credential = str("credentialName");
  if (credential.startsWith("configmap://")) {
    const parts = credential.slice("configmap://".length).split("/");
    if (parts.length === 2 && parts[0] !== namespace) sink.error([...path, "credentialName"], "credentialNamespace", { value: credential, namespace });
  }
  if (tls.insecureSkipVerify === true) {
    const fields = mode === "SIMPLE" ? ["caCertificates", "credentialName", "subjectAltNames"] : mode === "MUTUAL" ? ["caCertificates", "subjectAltNames"] : [];
    for (const f of fields) {
      if (f === "subjectAltNames" ? isSet(tls, f) : str(f)) sink.error([...path, f], "tlsConflict", { field: f, when: `when "insecureSkipVerify" is true in ${mode} mode` });
    }
  }
  if ((mode === "SIMPLE" || mode === "MUTUAL") && credential) {
    for (const f of ["clientCertificate", "caCertificates", "privateKey", "caCrl"]) {
      if (str(f)) sink.error([...path, f], "tlsConflict", { field: f, when: 'together with "credentialName"' });
    }
    return;
  }
  if (mode === "MUTUAL") for (const f of ["clientCertificate", "privateKey"]) if (!str(f)) sink.error(path, "tlsMissing", { field: f });
}

function checkTunnel(sink: Sink<DestinationRuleMessage>, tunnel: JsonObject | undefined, path: FieldPath): void {
  if (!tunnel) return;
  const protocol = asString(tunnel.protocol) ?? "";
  if (protocol !== "" && protocol !== "CONNECT" && protocol !== "POST") sink.error([...path, "protocol"], "tunnelProtocol", { value: protocol });
  const host = asString(tunnel.targetHost);
  if (host !== undefined && fqdnProblem(host) && !isIpAddress(host)) sink.error([...path, "targetHost"], "tunnelHost", { value: host });
  checkPort(sink, [...path, "targetPort"], "tunnel.targetPort", tunnel.targetPort);
}

const POLICY_FIELDS = ["outlierDetection", "connectionPool", "loadBalancer", "tls", "portLevelSettings", "tunnel", "proxyProtocol", "retryBudget"];

function checkTrafficPolicy(sink: Sink<DestinationRuleMessage>, policy: JsonObject | undefined, path: FieldPath, namespace: string): void {
  if (!policy) return;
  if (!POLICY_FIELDS.some((f) => isSet(policy, f))) {
    sink.error(path, "policyEmpty", { field: path[path.length - 1] ?? "trafficPolicy" });
    return;
  }
  if (isSet(policy, "tunnel") && isSet(policy, "proxyProtocol")) {
    sink.error([...path, "proxyProtocol"], "tunnelWithProxyProtocol");
    return;
  }
  checkOutlier(sink, asObject(policy.outlierDetection), [...path, "outlierDetection"]);
  checkConnectionPool(sink, asObject(policy.connectionPool), [...path, "connectionPool"]);
  checkClientTls(sink, asObject(policy.tls), [...path, "tls"], namespace);
  checkTunnel(sink, asObject(policy.tunnel), [...path, "tunnel"]);
  for (const { value: pls, path: at } of objectsAt(policy, "portLevelSettings", path)) {
    const port = asObject(pls.port);
    if (!port) sink.error(at, "portPolicyPortMissing");
    else checkPort(sink, [...at, "port", "number"], "port.number", portNumber(port));
    if (!["outlierDetection", "connectionPool", "loadBalancer", "tls"].some((f) => isSet(pls, f))) sink.error(at, "portPolicyEmpty");
    checkOutlier(sink, asObject(pls.outlierDetection), [...at, "outlierDetection"]);
    checkConnectionPool(sink, asObject(pls.connectionPool), [...at, "connectionPool"]);
    checkClientTls(sink, asObject(pls.tls), [...at, "tls"], namespace);
  }
}

/** Host, subsets, traffic policies (without the load balancer), exportTo. */
function checkDestinationRule(dr: Resource, sink: Sink<DestinationRuleMessage>): void {
  const s = spec(dr);
  const host = asString(s.host);
  const problem = host === undefined ? undefined : wildcardDomainProblem(host);
  if (host !== undefined && problem) sink.error(["spec", "host"], "hostInvalid", { field: "host", value: host, reason: problem });
  checkTrafficPolicy(sink, asObject(s.trafficPolicy), ["spec", "trafficPolicy"], dr.namespace);
  const names = new Set<string>();
  for (const { value: subset, path } of objectsAt(s, "subsets", ["spec"])) {
    const name = asString(subset.name);
    if (name !== undefined) {
      if (names.has(name)) sink.error([...path, "name"], "subsetDuplicate", { value: name });
      else if (!isDns1123Label(name)) sink.error([...path, "name"], "subsetNameInvalid", { value: name });
      names.add(name);
    }
    checkLabels(sink, [...path, "labels"], "labels", subset.labels);
    checkTrafficPolicy(sink, asObject(subset.trafficPolicy), [...path, "trafficPolicy"], dr.namespace);
  }
  const exported = checkExportTo(sink, dr, s.exportTo);
  if (isSet(s, "workloadSelector") && exported.size > 0 && (!exported.has(dr.namespace) || exported.size > 1)) {
    sink.error(["spec", "exportTo"], "selectorExportTo", { namespace: dr.namespace });
  }
}

export type LoadBalancerMessage =
  | "cookieNameMissing"
  | "cookieAttributeInvalid"
  | "ringSizeDeprecated"
  | "ringSizeConflict"
  | "maglevTableSize"
  | "localityExclusive"
  | "failoverPriorityTopology"
  | "localityWeight"
  | "localityTotal"
  | "localityInvalid"
  | "failoverInvalid"
  | "failoverWithoutOutlier"
  | "warmupAggression"
  | "durationPrecision";

const isPrime = (x: number): boolean => {
  if (x !== 0 && x < 4) return true;
  if (x % 2 === 0) return false;
  for (let f = 3; f * f <= x; f += 2) if (x % f === 0) return false;
  return true;
};

const TOPOLOGY_LABELS = new Set(["topology.kubernetes.io/region", "topology.kubernetes.io/zone", "topology.istio.io/subzone"]);

/** The first problem of a list of localities (`region/zone/subzone`, `*` only once at the end, no overlaps). */
function localitiesProblem(localities: readonly string[]): { value: string; reason: string } | undefined {
  const seen = new Map<string, Map<string, Set<string>>>();
  const overlap = (value: string) => ({ value, reason: "it overlaps a locality listed before it" });
  for (const locality of localities) {
    const stars = locality.split("*").length - 1;
    if (stars > 1 || (stars === 1 && !locality.endsWith("*"))) return { value: locality, reason: 'a "*" may appear once, at the end' };
    if (seen.has("*")) return overlap(locality);
    const items = locality.split("/");
    const [region, zone, subzone] = [items[0] ?? "", items[1] ?? "", items.slice(2).join("/")];
    if (items.slice(0, 3).some((i) => i === "") || (items.length > 3 && subzone === "")) {
      return { value: locality, reason: "it has an empty region, zone or subzone" };
    }
    const zones = seen.get(region);
    if (items.length === 1) {
      if (zones) return overlap(locality);
      seen.set(region, new Map([["*", new Set(["*"])]]));
    } else if (items.length === 2) {
      if (zones?.has("*") || zones?.has(zone)) return overlap(locality);
      if (zones) zones.set(zone, new Set(["*"]));
      else seen.set(region, new Map([[zone, new Set(["*"])]]));
    } else {
      const subzones = zones?.get(zone);
      if (zones?.has("*") || subzones?.has("*") || subzones?.has(subzone)) return overlap(locality);
      if (subzones) subzones.add(subzone);
      else if (zones) zones.set(zone, new Set([subzone]));
      else seen.set(region, new Map([[zone, new Set([subzone])]]));
    }
  }
  return undefined;
}

function checkLocality(sink: Sink<LoadBalancerMessage>, lb: JsonObject, path: FieldPath, outlier: boolean): void {
  const distribute = objectsAt(lb, "distribute", path);
  const failover = objectsAt(lb, "failover", path);
  const priority = stringsAt(lb, "failoverPriority", path);
  if (distribute.length && failover.length) {
    sink.error([...path, "failover"], "localityExclusive", { field: "distribute", other: "failover" });
    return;
  }
  if (failover.length) {
    const topo = priority.find((p) => TOPOLOGY_LABELS.has(p.value));
    if (topo) {
      sink.error(topo.path, "failoverPriorityTopology", { value: topo.value });
      return;
    }
  }
  for (const { value: d, path: at } of distribute) {
    const to = Object.entries(asObject(d.to) ?? {});
    const from = asString(d.from) ?? "";
    const bad = to.find(([, w]) => typeof w === "number" && (w <= 0 || w > 100));
    if (bad) {
      sink.error([...at, "to", bad[0]], "localityWeight", { value: Number(bad[1]), locality: bad[0] });
      return;
    }
    const total = to.reduce((sum, [, w]) => sum + (asNumber(w) ?? 0), 0);
    if (total !== 100) {
      sink.error([...at, "to"], "localityTotal", { locality: from, total });
      return;
    }
    const problem = localitiesProblem(to.map(([k]) => k));
    if (problem) sink.error([...at, "to", problem.value], "localityInvalid", problem, "key");
  }
  const problem = localitiesProblem(distribute.map((d) => asString(d.value.from) ?? ""));
  if (problem) {
    const at = distribute.find((d) => d.value.from === problem.value)?.path ?? path;
    sink.error([...at, "from"], "localityInvalid", problem);
  }
  if ((failover.length || priority.length) && !outlier) sink.warn(path, "failoverWithoutOutlier");
  for (const { value: f, path: at } of failover) {
    const from = asString(f.from) ?? "";
    const to = asString(f.to) ?? "";
    const reason =
      from === to ? '"from" and "to" are the same region' : from.includes("/") || to.includes("/") ? "failover names regions only (no \"/\")" : from.includes("*") || to.includes("*") ? 'a failover region may not contain "*"' : undefined;
    if (reason) sink.error(at, "failoverInvalid", { from, to, reason });
  }
}

function checkLoadBalancer(sink: Sink<LoadBalancerMessage>, lb: JsonObject | undefined, path: FieldPath, outlier: boolean): void {
  if (!lb) return;
  const hash = asObject(lb.consistentHash);
  if (hash) {
    const at = [...path, "consistentHash"];
    const cookie = asObject(hash.httpCookie);
    if (cookie && !asString(cookie.name)) sink.error([...at, "httpCookie"], "cookieNameMissing");
    const attributes = new Set<string>();
    for (const { value: a, path: ap } of objectsAt(cookie, "attributes", [...at, "httpCookie"])) {
      const name = asString(a.name) ?? "";
      if (name === "" || attributes.has(name)) sink.error([...ap, "name"], "cookieAttributeInvalid", { value: name });
      attributes.add(name);
    }
    if ((asNumber(hash.minimumRingSize) ?? 0) !== 0) {
      sink.warn([...at, "minimumRingSize"], "ringSizeDeprecated");
      const other = ["maglev", "ringHash"].find((f) => isSet(hash, f));
      if (other) sink.error([...at, "minimumRingSize"], "ringSizeConflict", { field: other });
    }
    const maglev = asObject(hash.maglev);
    if (maglev) {
      const size = asNumber(maglev.tableSize) ?? 0;
      if (size === 0 || size >= 5000011 || !isPrime(size)) sink.error([...at, "maglev", "tableSize"], "maglevTableSize", { value: size });
    }
  }
  const locality = asObject(lb.localityLbSetting);
  if (locality && isSet(lb, "zoneAwareLbSetting")) sink.error([...path, "zoneAwareLbSetting"], "localityExclusive", { field: "localityLbSetting", other: "zoneAwareLbSetting" });
  if (locality) checkLocality(sink, locality, [...path, "localityLbSetting"], outlier);
  checkCelDuration(sink, [...path, "warmupDurationSecs"], "warmupDurationSecs", lb.warmupDurationSecs);
  const warmup = asObject(lb.warmup);
  if (warmup) {
    checkCelDuration(sink, [...path, "warmup", "duration"], "warmup.duration", warmup.duration);
    if (asNumber(warmup.aggression) === 0) sink.error([...path, "warmup", "aggression"], "warmupAggression");
  }
}

/** Load balancer settings of every traffic policy of a DestinationRule (top level, port level, subsets). */
function checkLoadBalancers(dr: Resource, sink: Sink<LoadBalancerMessage>): void {
  const policies: { policy: JsonObject; path: FieldPath }[] = [];
  const s = spec(dr);
  const top = asObject(s.trafficPolicy);
  if (top) policies.push({ policy: top, path: ["spec", "trafficPolicy"] });
  for (const { value, path } of objectsAt(s, "subsets", ["spec"])) {
    const p = asObject(value.trafficPolicy);
    if (p) policies.push({ policy: p, path: [...path, "trafficPolicy"] });
  }
  for (const { policy, path } of policies) {
    checkLoadBalancer(sink, asObject(policy.loadBalancer), [...path, "loadBalancer"], isSet(policy, "outlierDetection"));
    for (const { value: pls, path: at } of objectsAt(policy, "portLevelSettings", path)) {
      checkLoadBalancer(sink, asObject(pls.loadBalancer), [...at, "loadBalancer"], isSet(pls, "outlierDetection"));
    }
  }
}

export const validateDestinationRule = (resource: Resource): Problem<DestinationRuleMessage>[] => collect((sink: Sink<DestinationRuleMessage>) => checkDestinationRule(resource, sink));

export const validateLoadBalancers = (resource: Resource): Problem<LoadBalancerMessage>[] => collect((sink: Sink<LoadBalancerMessage>) => checkLoadBalancers(resource, sink));
