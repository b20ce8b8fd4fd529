/**
 * ServiceEntry, WorkloadEntry and WorkloadGroup checks of Istio's validating webhook beyond the CRD
 * (ValidateServiceEntry, validateWorkloadEntry, ValidateWorkloadGroup; paraphrased).
 */
import { type FieldPath, type JsonObject, type Resource, asArray, asNumber, asObject, asString, labelsOf, spec } from "../model/resource.js";
import {
  type ExportToMessage,
  type Sink,
  checkServiceEntryExportTo,
  checkLabels,
  fqdnProblem,
  isDns1123Label,
  isHttpProtocol,
  isIpAddress,
  isIpOrCidr,
  isPartialWildcard,
  isSet,
  isTcpProtocol,
  isTlsProtocol,
  objectsAt,
  parseProtocol,
  stringsAt,
  wildcardDomainProblem, type Problem, collect } from "./common.js";

export type WorkloadEntryMessage = "addressRequired" | "addressUnsetWithNetwork" | "addressInvalid" | "endpointPortUndeclared" | "unixEndpointPorts" | "labelKeyInvalid" | "labelValueInvalid";

/**
 * A WorkloadEntry spec or a ServiceEntry endpoint. `servicePorts` (ServiceEntry) restricts the port names;
 * FQDN addresses are allowed except on STATIC ServiceEntry endpoints.
 */
export function checkWorkloadEntry(
  sink: Sink<WorkloadEntryMessage>,
  entry: JsonObject,
  path: FieldPath,
  options: { readonly servicePorts?: ReadonlySet<string>; readonly allowFqdn: boolean },
): void {
  const address = asString(entry.address) ?? "";
  const network = asString(entry.network) ?? "";
  if (address === "") {
    if (network === "") {
      // An absent address is the CRD's CEL rule; an empty one passes it but not the webhook.
      if (isSet(entry, "address")) sink.error([...path, "address"], "addressRequired");
      return;
    }
    sink.warn([...path, "network"], "addressUnsetWithNetwork", { value: network });
  }
  // The CRDs' CEL rules check unix socket addresses.
  const unix = address.startsWith("unix://");
  if (!unix && address !== "" && !isIpAddress(address)) {
    if (!options.allowFqdn) sink.error([...path, "address"], "addressInvalid", { field: "address", value: address, expected: "an IP address (resolution STATIC)" });
    else if (fqdnProblem(address)) sink.error([...path, "address"], "addressInvalid", { field: "address", value: address, expected: "an IP address or an FQDN" });
  }
  for (const name of Object.keys(asObject(entry.ports) ?? {})) {
    if (options.servicePorts && !options.servicePorts.has(name)) sink.error([...path, "ports", name], "endpointPortUndeclared", { value: name }, "key");
  }
  checkLabels(sink, [...path, "labels"], "labels", entry.labels);
  if (unix && options.servicePorts && options.servicePorts.size !== 1) sink.error([...path, "address"], "unixEndpointPorts", { count: options.servicePorts.size });
}

export type ServiceEntryMessage =
  | ExportToMessage
  | WorkloadEntryMessage
  | "hostInvalid"
  | "hostPartialWildcard"
  | "portNameInvalid"
  | "protocolUnknown"
  | "targetPortIgnored"
  | "selectorIgnored"
  | "dnsHostNotFqdn"
  | "multiHostTcp"
  | "multiHostNonHttp"
  | "dynamicDnsInvalid";

function checkDynamicDns(sink: Sink<ServiceEntryMessage>, se: Resource, s: JsonObject): void {
  for (const h of stringsAt(s, "hosts", ["spec"])) {
    if (!h.value.startsWith("*")) sink.error(h.path, "dynamicDnsInvalid", { reason: `host "${h.value}" is not a wildcard` });
  }
  for (const field of ["addresses", "endpoints"]) {
    if (asArray(s[field]).length) sink.error(["spec", field], "dynamicDnsInvalid", { reason: `"${field}" cannot be set` });
  }
  for (const { value: port, path } of objectsAt(s, "ports", ["spec"])) {
    const p = parseProtocol(asString(port.protocol));
    if (!(p === "http" || p === "http2" || p === "grpc" || p === "tls")) {
      sink.error([...path, "protocol"], "dynamicDnsInvalid", { reason: `port protocol "${asString(port.protocol) ?? ""}" is not HTTP, HTTP2, GRPC or TLS` });
    }
  }
  const location = asString(s.location);
  if (!location) sink.error(["spec"], "dynamicDnsInvalid", { reason: '"location" must be set' });
  else if (location === "MESH_INTERNAL" && labelsOf(se)["istio.io/use-waypoint"]) {
    sink.error(["spec", "location"], "dynamicDnsInvalid", { reason: "MESH_INTERNAL cannot be used with a waypoint" });
  }
}

/** Hosts, addresses, ports, per-resolution endpoint rules, multi-host protocols, exportTo. */
function checkServiceEntry(se: Resource, sink: Sink<ServiceEntryMessage>): void {
  const s = spec(se);
  const resolution = asString(s.resolution) ?? "NONE";
  const hosts = stringsAt(s, "hosts", ["spec"]);
  for (const h of hosts) {
    if (h.value === "*") continue;
    const problem = wildcardDomainProblem(h.value);
    if (problem) sink.error(h.path, "hostInvalid", { field: "hosts", value: h.value, reason: problem });
    else if (isPartialWildcard(h.value) && resolution !== "DYNAMIC_DNS") sink.warn(h.path, "hostPartialWildcard", { value: h.value });
  }
  for (const a of stringsAt(s, "addresses", ["spec"])) {
    if (!isIpOrCidr(a.value)) sink.error(a.path, "addressInvalid", { field: "addresses", value: a.value, expected: "an IP address or CIDR block" });
  }
  // TCP ports without addresses (a webhook warning) are reported by serviceentry-addresses-missing.
  const addresses = asArray(s.addresses).length;
  const ports = objectsAt(s, "ports", ["spec"]);
  const portNames = new Set<string>();
  for (const { value: port, path } of ports) {
    const name = asString(port.name);
    if (name !== undefined) {
      portNames.add(name);
      if (!isDns1123Label(name)) sink.error([...path, "name"], "portNameInvalid", { value: name });
    }
    const protocol = asString(port.protocol);
    if (protocol && !parseProtocol(protocol)) sink.error([...path, "protocol"], "protocolUnknown", { field: "protocol", value: protocol });
    const target = asNumber(port.targetPort) ?? 0;
    if (target >= 1 && target <= 65535 && resolution === "NONE") sink.warn([...path, "targetPort"], "targetPortIgnored");
  }
  const endpoints = objectsAt(s, "endpoints", ["spec"]);
  const selector = isSet(s, "workloadSelector");
  if (resolution === "NONE" && selector) sink.warn(["spec", "workloadSelector"], "selectorIgnored", { value: resolution });
  if (resolution === "STATIC") {
    for (const e of endpoints) checkWorkloadEntry(sink, e.value, e.path, { servicePorts: portNames, allowFqdn: false });
  }
  if (resolution === "DNS" || resolution === "DNS_ROUND_ROBIN") {
    if (endpoints.length === 0) {
      for (const h of hosts) if (fqdnProblem(h.value)) sink.error(h.path, "dnsHostNotFqdn", { value: h.value, resolution });
    }
    for (const e of endpoints) checkWorkloadEntry(sink, e.value, e.path, { servicePorts: portNames, allowFqdn: true });
    if (selector) sink.warn(["spec", "workloadSelector"], "selectorIgnored", { value: resolution });
    const tcp = ports.find((p) => isTcpProtocol(parseProtocol(asString(p.value.protocol))));
    if (addresses > 0 && hosts.length > 1 && tcp) sink.warn(["spec", "hosts"], "multiHostTcp", { count: hosts.length });
  }
  if (resolution === "DYNAMIC_DNS") checkDynamicDns(sink, se, s);
  if (resolution !== "NONE" && hosts.length > 1) {
    const bad = ports.find((p) => {
      const protocol = parseProtocol(asString(p.value.protocol));
      return !isHttpProtocol(protocol) && !isTlsProtocol(protocol);
    });
    if (bad) {
      sink.error([...bad.path, "protocol"], "multiHostNonHttp", { value: asString(bad.value.name) ?? "", protocol: asString(bad.value.protocol) ?? "unset", count: hosts.length });
    }
  }
  checkServiceEntryExportTo(sink, se, s.exportTo);
}

/** A WorkloadEntry: address (or network), FQDN or IP, labels. Without service ports the port messages cannot occur. */
export const validateWorkloadEntry = (we: Resource): Problem<Exclude<WorkloadEntryMessage, "endpointPortUndeclared" | "unixEndpointPorts">>[] =>
  collect((sink: Sink<WorkloadEntryMessage>) => checkWorkloadEntry(sink, spec(we), ["spec"], { allowFqdn: true })) as Problem<
    Exclude<WorkloadEntryMessage, "endpointPortUndeclared" | "unixEndpointPorts">
  >[];

export type WorkloadGroupMessage = "labelKeyInvalid" | "labelValueInvalid" | "probeMethodMissing" | "execCommandEmpty";

/** A WorkloadGroup: metadata labels and a probe with a method. */
function checkWorkloadGroup(wg: Resource, sink: Sink<WorkloadGroupMessage>): void {
  const s = spec(wg);
  checkLabels(sink, ["spec", "metadata", "labels"], "metadata.labels", asObject(s.metadata)?.labels);
  const probe = asObject(s.probe);
  if (!probe) return;
  if (!["httpGet", "tcpSocket", "exec", "grpc"].some((f) => isSet(probe, f))) sink.error(["spec", "probe"], "probeMethodMissing");
  const exec = asObject(probe.exec);
  if (exec && asArray(exec.command).length === 0) sink.error(["spec", "probe", "exec", "command"], "execCommandEmpty");
}

export const validateServiceEntry = (resource: Resource): Problem<ServiceEntryMessage>[] => collect((sink: Sink<ServiceEntryMessage>) => checkServiceEntry(resource, sink));

export const validateWorkloadGroup = (resource: Resource): Problem<WorkloadGroupMessage>[] => collect((sink: Sink<WorkloadGroupMessage>) => checkWorkloadGroup(resource, sink));
