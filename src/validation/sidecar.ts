/**
 * Sidecar checks of Istio's validating webhook beyond the CRD (ValidateSidecar and its listener, TLS, connection pool
 * and outbound traffic policy checks; paraphrased). The workload selector is checked by istio-selector-invalid.
 */
import { type FieldPath, type JsonObject, type Resource, asNumber, asObject, asString, spec } from "../model/resource.js";
import { type ConnectionPoolMessage, checkConnectionPool } from "./destination-rule.js";
import { type ServerTlsMessage, checkServerTls, namespacedHostProblem, unixAddressProblem } from "./gateway.js";
import {
  type Sink,
  checkPort,
  fqdnProblem,
  isDns1123Label,
  isHttpProtocol,
  isIpAddress,
  isSet,
  isTlsProtocol,
  objectsAt,
  portNumber,
  parseProtocol,
  stringsAt, type Problem, collect } from "./common.js";

export type SidecarMessage =
  | ServerTlsMessage
  | ConnectionPoolMessage
  | "portRange"
  | "subsetInvalid"
  | "sidecarEmpty"
  | "targetPortIgnored"
  | "portNameInvalid"
  | "protocolUnknown"
  | "addressInvalid"
  | "portDuplicate"
  | "defaultEndpointInvalid"
  | "ingressTlsNotSupported"
  | "ingressTlsMode"
  | "ingressTlsPort"
  | "poolHttpOnNonHttp"
  | "catchAllNotLast"
  | "unixBindRequired"
  | "unixCaptureMode"
  | "unixDuplicate"
  | "egressHostsMissing"
  | "egressHostInvalid"
  | "egressHostDuplicate"
  | "egressAllHosts"
  | "egressProxyMode"
  | "egressProxyPort"
  | "egressProxyHost";

function checkListenerPort(sink: Sink<SidecarMessage>, port: JsonObject, path: FieldPath, unixAllowed: boolean): void {
  if ((asNumber(port.targetPort) ?? 0) > 0) sink.error([...path, "targetPort"], "targetPortIgnored", { kind: "Sidecar" });
  const name = asString(port.name);
  if (name && !isDns1123Label(name)) sink.error([...path, "name"], "portNameInvalid", { value: name });
  const protocol = asString(port.protocol);
  if (protocol && !parseProtocol(protocol)) sink.error([...path, "protocol"], "protocolUnknown", { field: "port.protocol", value: protocol });
  const number = portNumber(port);
  if (number !== undefined && !(unixAllowed && number === 0)) checkPort(sink, [...path, "number"], "port.number", number);
}

function checkBindIp(sink: Sink<SidecarMessage>, listener: JsonObject, path: FieldPath): void {
  const bind = asString(listener.bind) ?? "";
  if (bind !== "" && !isIpAddress(bind)) sink.error([...path, "bind"], "addressInvalid", { field: "bind", value: bind, expected: "an IP address" });
}

function defaultEndpointProblem(value: string): boolean {
  if (value.startsWith("unix://")) return unixAddressProblem(value.slice("unix://".length)) !== undefined;
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):(\d+)$/.exec(value);
  if (!m) return true;
  const host = m[1] ?? m[2] ?? "";
  const port = Number(m[3]);
  return !["", "127.0.0.1", "0.0.0.0", "::1", "::"].includes(host) || port < 1 || port > 65535;
}

function checkIngress(sink: Sink<SidecarMessage>, sidecar: JsonObject): void {
  const ports = new Set<number>();
  for (const { value: listener, path } of objectsAt(sidecar, "ingress", ["spec"])) {
    const port = asObject(listener.port);
    if (!port) continue;
    checkListenerPort(sink, port, [...path, "port"], false);
    checkBindIp(sink, listener, path);
    const number = portNumber(port);
    if (number !== undefined && ports.has(number)) sink.error([...path, "port", "number"], "portDuplicate", { value: number, direction: "ingress" });
    if (number !== undefined) ports.add(number);
    const endpoint = asString(listener.defaultEndpoint);
    if (endpoint && defaultEndpointProblem(endpoint)) sink.error([...path, "defaultEndpoint"], "defaultEndpointInvalid", { value: endpoint });
    const protocol = parseProtocol(asString(port.protocol));
    const tls = asObject(listener.tls);
    if (tls) {
      const at = [...path, "tls"];
      for (const f of ["subjectAltNames", "httpsRedirect", "credentialName", "credentialNames", "tlsCertificates"]) {
        const v = tls[f];
        if (v !== undefined && v !== null && v !== false && v !== "" && !(Array.isArray(v) && v.length === 0)) {
          sink.error([...at, f], "ingressTlsNotSupported", { field: f });
        }
      }
      const mode = asString(tls.mode);
      if (mode === "ISTIO_MUTUAL" || mode === "AUTO_PASSTHROUGH") sink.error([...at, "mode"], "ingressTlsMode", { value: mode });
      if (protocol !== undefined && !isTlsProtocol(protocol)) sink.error([...path, "port", "protocol"], "ingressTlsPort", { value: asString(port.protocol) ?? "" });
      checkServerTls(sink, tls, at);
    }
    const pool = asObject(listener.connectionPool);
    checkConnectionPool(sink, pool, [...path, "connectionPool"]);
    if (pool && asObject(pool.http) && !isHttpProtocol(protocol)) {
      sink.warn([...path, "connectionPool", "http"], "poolHttpOnNonHttp", { port: number ?? "?", protocol: asString(port.protocol) ?? "" });
    }
  }
  checkConnectionPool(sink, asObject(sidecar.inboundConnectionPool), ["spec", "inboundConnectionPool"]);
}

function checkEgressHosts(sink: Sink<SidecarMessage>, listener: JsonObject, path: FieldPath, namespace: string): void {
  const hosts = stringsAt(listener, "hosts", path);
  if (hosts.length === 0) {
    sink.error([...path, "hosts"], "egressHostsMissing");
    return;
  }
  const byNamespace = new Map<string, Set<string>>();
  for (const h of hosts) {
    const slash = h.value.indexOf("/");
    if (slash >= 0) {
      const ns = h.value.slice(0, slash) === "." ? namespace : h.value.slice(0, slash);
      const svc = h.value.slice(slash + 1);
      const known = byNamespace.get(ns) ?? new Set<string>();
      const duplicate = svc === "*" ? known.size > 0 : known.has(svc) || known.has("*");
      if (duplicate) sink.warn(h.path, "egressHostDuplicate", { value: h.value });
      known.add(svc);
      byNamespace.set(ns, known);
    }
    const problem = namespacedHostProblem(h.value, false);
    if (problem) sink.error(h.path, "egressHostInvalid", { value: h.value, reason: problem });
  }
  if (byNamespace.get("*")?.has("*") && byNamespace.size !== 1) sink.warn([...path, "hosts"], "egressAllHosts");
}

function checkEgress(sink: Sink<SidecarMessage>, sidecar: JsonObject, namespace: string): void {
  const listeners = objectsAt(sidecar, "egress", ["spec"]);
  const ports = new Set<number>();
  const sockets = new Set<string>();
  listeners.forEach(({ value: listener, path }, index) => {
    const port = asObject(listener.port);
    // Only the last listener may omit the port (so there is at most one such listener).
    if (!port) {
      if (index !== listeners.length - 1) sink.error(path, "catchAllNotLast");
    } else {
      checkListenerPort(sink, port, [...path, "port"], true);
      const number = portNumber(port);
      const bind = asString(listener.bind) ?? "";
      if (number === undefined) {
        // The schema reports a port number that is not a number.
      } else if (number === 0) {
        if (!bind.startsWith("unix://")) sink.error([...path, "bind"], "unixBindRequired");
        else {
          const problem = unixAddressProblem(bind.slice("unix://".length));
          if (problem) sink.error([...path, "bind"], "addressInvalid", { field: "bind", value: bind, expected: `a valid unix socket (${problem})` });
        }
        const mode = asString(listener.captureMode);
        if (mode && mode !== "DEFAULT" && mode !== "NONE") sink.error([...path, "captureMode"], "unixCaptureMode", { value: mode });
        if (sockets.has(bind)) sink.error([...path, "bind"], "unixDuplicate", { value: bind });
        sockets.add(bind);
      } else {
        checkBindIp(sink, listener, path);
        if (ports.has(number)) sink.error([...path, "port", "number"], "portDuplicate", { value: number, direction: "egress" });
        ports.add(number);
      }
    }
    checkEgressHosts(sink, listener, path, namespace);
  });
}

function checkOutboundPolicy(sink: Sink<SidecarMessage>, policy: JsonObject | undefined): void {
  const proxy = asObject(policy?.egressProxy);
  if (!policy || !proxy) return;
  const path = ["spec", "outboundTrafficPolicy", "egressProxy"];
  if (asString(policy.mode) !== "ALLOW_ANY") {
    sink.error(path, "egressProxyMode");
    return;
  }
  const host = asString(proxy.host) ?? "";
  const problem = fqdnProblem(host);
  if (problem) sink.error([...path, "host"], "egressProxyHost", { value: host, reason: problem });
  const port = asObject(proxy.port);
  if (!port) sink.error(path, "egressProxyPort");
  else checkPort(sink, [...path, "port", "number"], "port.number", portNumber(port));
  const subset = asString(proxy.subset);
  if (subset && !isDns1123Label(subset)) sink.error([...path, "subset"], "subsetInvalid", { value: subset });
}

/** Non-empty configuration, ingress and egress listeners, connection pools, outbound traffic policy. */
function checkSidecar(sidecar: Resource, sink: Sink<SidecarMessage>): void {
  const s = spec(sidecar);
  if (!["egress", "ingress", "outboundTrafficPolicy", "inboundConnectionPool"].some((f) => (Array.isArray(s[f]) ? (s[f] as unknown[]).length > 0 : isSet(s, f)))) {
    sink.error(["spec"], "sidecarEmpty");
    return;
  }
  checkIngress(sink, s);
  checkEgress(sink, s, sidecar.namespace);
  checkOutboundPolicy(sink, asObject(s.outboundTrafficPolicy));
}

export const validateSidecar = (resource: Resource): Problem<SidecarMessage>[] => collect((sink: Sink<SidecarMessage>) => checkSidecar(resource, sink));
