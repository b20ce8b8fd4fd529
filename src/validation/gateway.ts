/**
 * Gateway (networking.istio.io) checks of Istio's validating webhook beyond the CRD (ValidateGateway, validateServer,
 * validateTLSOptions; paraphrased). The server TLS check is shared with Sidecar ingress listeners.
 */
import { type FieldPath, type JsonObject, type Resource, asArray, asNumber, asObject, asString, spec } from "../model/resource.js";
import {
  type Sink,
  checkPort,
  isDns1123Label,
  isHttpProtocol,
  isIpAddress,
  isPartialWildcard,
  isSet,
  isTlsProtocol,
  objectsAt,
  portNumber,
  parseProtocol,
  stringsAt,
  wildcardDomainProblem, type Problem, collect } from "./common.js";

/** A unix domain socket path after `unix://`: absolute and not a directory, or an abstract `@name`. */
export function unixAddressProblem(address: string): string | undefined {
  if (address === "") return "the socket path is empty";
  if (address.startsWith("@")) return undefined;
  if (!address.startsWith("/") || address.endsWith("/")) return "the socket path is not an absolute path to a file";
  return undefined;
}

/** The hostname part of a Gateway or Sidecar host: FQDN-like (no short names), may be `*`, no partial wildcard. */
export function hostnamePartProblem(host: string, gateway: boolean): string | undefined {
  if (host !== "*" && !host.includes(".")) return "short names (without a dot) are not allowed";
  const problem = wildcardDomainProblem(host);
  if (problem && !(gateway && isIpAddress(host))) return problem;
  if (isPartialWildcard(host)) return 'partial wildcards are not allowed (only a leading "*.")';
  return undefined;
}

/** `namespace/host` (Sidecar egress: namespace `*`, `.`, `~` or a DNS label; Gateway: `*`, `.` or a label, or a bare host). */
export function namespacedHostProblem(value: string, gateway: boolean): string | undefined {
  const slash = value.indexOf("/");
  if (slash < 0) return gateway ? hostnamePartProblem(value, true) : 'it must have the form "namespace/host"';
  const ns = value.slice(0, slash);
  const host = value.slice(slash + 1);
  if (ns === "" || host === "") return "the namespace and the host may not be empty";
  if (ns !== "*" && ns !== "." && !(ns === "~" && !gateway) && !isDns1123Label(ns)) return `namespace "${ns}" is not valid`;
  return hostnamePartProblem(host, gateway);
}

const VALID_CIPHERS = new Set([
  "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
  "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
  "ECDHE-ECDSA-AES128-SHA", "ECDHE-RSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA", "ECDHE-RSA-AES256-SHA",
  "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA", "AES256-SHA", "DES-CBC3-SHA",
]);
const isValidCipher = (c: string): boolean => c === "" || c === "ALL" || !/^[\p{L}\p{N}]/u.test(c) || VALID_CIPHERS.has(c);

/** The messages of checkServerTls, for the rules that use it. */
export const SERVER_TLS_MESSAGES = {
  tlsFieldConflict: '"tls.{{field}}" cannot be set {{when}}.',
  tlsFieldMissing: '{{mode}} TLS without "credentialName" needs "tls.{{field}}".',
  tlsIgnored: '{{mode}} mode does not use certificates; "tls.{{field}}" is ignored.',
  tlsOldNoCiphers: '"minProtocolVersion" {{value}} needs explicit "cipherSuites": the default suites no longer include ones it can use.',
  cipherInvalid: 'Cipher suite "{{value}}" is not supported and is ignored.',
  cipherDuplicate: 'Cipher suite "{{value}}" is listed twice; the repeat is ignored.',
};

export type ServerTlsMessage = "tlsFieldConflict" | "tlsFieldMissing" | "tlsIgnored" | "tlsOldNoCiphers" | "cipherInvalid" | "cipherDuplicate";

/** Server TLS settings (Gateway servers and Sidecar ingress listeners); the mode defaults to PASSTHROUGH. */
export function checkServerTls(sink: Sink<ServerTlsMessage>, tls: JsonObject | undefined, path: FieldPath): void {
  if (!tls) return;
  const mode = asString(tls.mode) ?? "PASSTHROUGH";
  const str = (f: string) => asString(tls[f]) ?? "";
  const minVersion = asString(tls.minProtocolVersion);
  if ((minVersion === "TLSV1_0" || minVersion === "TLSV1_1") && asArray(tls.cipherSuites).length === 0) {
    sink.warn([...path, "minProtocolVersion"], "tlsOldNoCiphers", { value: minVersion });
  }
  const seen = new Set<string>();
  for (const c of stringsAt(tls, "cipherSuites", path)) {
    if (!isValidCipher(c.value)) sink.warn(c.path, "cipherInvalid", { value: c.value });
    else if (seen.has(c.value)) sink.warn(c.path, "cipherDuplicate", { value: c.value });
    seen.add(c.value);
  }
  if (mode === "ISTIO_MUTUAL") {
    for (const f of ["serverCertificate", "privateKey", "caCertificates", "credentialName", "credentialNames", "tlsCertificates"]) {
      if (f === "credentialNames" || f === "tlsCertificates" ? asArray(tls[f]).length > 0 : str(f)) {
        sink.error([...path, f], "tlsFieldConflict", { field: f, when: "in ISTIO_MUTUAL mode" });
      }
    }
    return;
  }
  if (mode === "PASSTHROUGH" || mode === "AUTO_PASSTHROUGH") {
    const f = ["caCrl", "serverCertificate", "privateKey", "caCertificates", "credentialName"].find((x) => str(x));
    if (f) sink.warn([...path, f], "tlsIgnored", { mode, field: f });
  }
  const remote = str("credentialName") || asArray(tls.credentialNames).length > 0 || asArray(tls.tlsCertificates).length > 0;
  if ((mode === "SIMPLE" || mode === "MUTUAL" || mode === "OPTIONAL_MUTUAL") && remote) {
    if (str("caCrl") && str("credentialName")) sink.error([...path, "caCrl"], "tlsFieldConflict", { field: "caCrl", when: 'with "credentialName" (put the CRL in the credential)' });
    return;
  }
  const required = mode === "SIMPLE" ? ["serverCertificate", "privateKey"] : mode === "MUTUAL" || mode === "OPTIONAL_MUTUAL" ? ["serverCertificate", "privateKey", "caCertificates"] : [];
  for (const f of required) if (!str(f)) sink.error(path, "tlsFieldMissing", { mode, field: f });
  if (str("caCrl") && mode === "SIMPLE") sink.error([...path, "caCrl"], "tlsFieldConflict", { field: "caCrl", when: "in SIMPLE mode" });
}

export type GatewayMessage =
  | ServerTlsMessage
  | "gatewayNameInvalid"
  | "serversMissing"
  | "hostsMissing"
  | "serverHostInvalid"
  | "protocolUnknown"
  | "portRange"
  | "targetPortIgnored"
  | "portNameMissing"
  | "portNameDuplicate"
  | "addressInvalid"
  | "unixPortNonZero"
  | "tlsRequired"
  | "tlsOnHttp"
  | "tlsOnPlain"
  | "httpsRedirectNonHttp";

function checkServer(sink: Sink<GatewayMessage>, server: JsonObject, path: FieldPath): void {
  const hosts = stringsAt(server, "hosts", path);
  if (hosts.length === 0) sink.error([...path, "hosts"], "hostsMissing");
  for (const h of hosts) {
    const problem = namespacedHostProblem(h.value, true);
    if (problem) sink.error(h.path, "serverHostInvalid", { value: h.value, reason: problem });
  }
  const port = asObject(server.port);
  const bind = asString(server.bind) ?? "";
  const unix = bind.startsWith("unix://");
  let portValid = false;
  if (port) {
    const at = [...path, "port"];
    const protocol = asString(port.protocol);
    portValid = true;
    if (protocol !== undefined && !parseProtocol(protocol)) {
      sink.error([...at, "protocol"], "protocolUnknown", { field: "port.protocol", value: protocol });
      portValid = false;
    }
    const number = portNumber(port, false);
    if (number === undefined) portValid = false;
    else if (number > 0 || !unix) {
      if (number < 1 || number > 65535) portValid = false;
      checkPort(sink, [...at, "number"], "port.number", number);
    }
    if ((asNumber(port.targetPort) ?? 0) > 0) {
      sink.error([...at, "targetPort"], "targetPortIgnored", { kind: "Gateway" });
      portValid = false;
    }
    if (port.name === "") {
      sink.error([...at, "name"], "portNameMissing");
      portValid = false;
    }
    if (unix && number !== undefined && number !== 0) sink.error([...at, "number"], "unixPortNonZero");
  }
  if (unix) {
    const problem = unixAddressProblem(bind.slice("unix://".length));
    if (problem) sink.error([...path, "bind"], "addressInvalid", { field: "bind", value: bind, expected: `a valid unix socket (${problem})` });
  } else if (bind !== "" && !isIpAddress(bind)) {
    sink.error([...path, "bind"], "addressInvalid", { field: "bind", value: bind, expected: 'an IP address or "unix://" socket' });
  }
  const tls = asObject(server.tls);
  checkServerTls(sink, tls, [...path, "tls"]);
  if (portValid && port) {
    const protocol = parseProtocol(asString(port.protocol));
    const name = (asString(port.protocol) ?? "").toUpperCase();
    if (isTlsProtocol(protocol) && !isSet(server, "tls")) sink.error(path, "tlsRequired", { protocol: name });
    else if (!isTlsProtocol(protocol) && tls) {
      if (isHttpProtocol(protocol)) {
        const passthrough = ["PASSTHROUGH", "AUTO_PASSTHROUGH"].includes(asString(tls.mode) ?? "PASSTHROUGH");
        const certs = ["caCertificates", "privateKey", "serverCertificate"].some((f) => asString(tls[f]));
        if (!passthrough || certs) sink.error([...path, "tls"], "tlsOnHttp");
      } else sink.error([...path, "tls"], "tlsOnPlain", { protocol: name });
    }
  }
}

/** Name, servers (hosts, port, bind, TLS), unique port names. */
function checkGateway(gw: Resource, sink: Sink<GatewayMessage>): void {
  if (!isDns1123Label(gw.name)) sink.error(["metadata", "name"], "gatewayNameInvalid", { value: gw.name });
  const s = spec(gw);
  const servers = objectsAt(s, "servers", ["spec"]);
  if (asArray(s.servers).length === 0) sink.error(isSet(s, "servers") ? ["spec", "servers"] : ["spec"], "serversMissing");
  const names = new Set<string>();
  for (const { value: server, path } of servers) {
    checkServer(sink, server, path);
    const port = asObject(server.port);
    if (!port) continue;
    const name = asString(port.name) ?? "";
    if (names.has(name) && name !== "") sink.error([...path, "port", "name"], "portNameDuplicate", { value: name });
    names.add(name);
    if (asObject(server.tls)?.httpsRedirect === true && !isHttpProtocol(parseProtocol(asString(port.protocol)))) {
      sink.warn([...path, "tls", "httpsRedirect"], "httpsRedirectNonHttp");
    }
  }
}

export const validateGateway = (resource: Resource): Problem<GatewayMessage>[] => collect((sink: Sink<GatewayMessage>) => checkGateway(resource, sink));
