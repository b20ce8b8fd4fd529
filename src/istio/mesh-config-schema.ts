import { didYouMean } from "../base/suggest.js";
import { isObject } from "../model/resource.js";

// MeshConfig's fields (istio/api mesh/v1alpha1/config.proto, master), as the proto's JSON reading takes them: each
// under its camelCase name or its proto name. istiod reads the mesh config with protobuf's JSON rules: a value of
// the wrong type makes the whole mesh config unreadable, while a field it does not know is dropped without a word,
// so a misspelled setting silently keeps Istio's default.

type FieldType = "bool" | "string" | "int" | "duration" | "list" | "object" | readonly string[];

const NESTED_MODES: Record<string, Record<string, FieldType>> = {
  outboundTrafficPolicy: { mode: ["REGISTRY_ONLY", "ALLOW_ANY", "ALLOW_ANY_DYNAMIC_DNS"] },
  inboundTrafficPolicy: { mode: ["PASSTHROUGH", "LOCALHOST"] },
};

const MESH_CONFIG_FIELDS: Record<string, FieldType> = {
  proxyListenPort: "int",
  proxyInboundListenPort: "int",
  proxyHttpPort: "int",
  connectTimeout: "duration",
  hboneIdleTimeout: "duration",
  protocolDetectionTimeout: "duration",
  tcpKeepalive: "object",
  ingressClass: "string",
  ingressService: "string",
  ingressControllerMode: ["UNSPECIFIED", "OFF", "DEFAULT", "STRICT"],
  ingressSelector: "string",
  enableTracing: "bool",
  accessLogFile: "string",
  accessLogFormat: "string",
  accessLogEncoding: ["TEXT", "JSON"],
  enableEnvoyAccessLogService: "bool",
  disableEnvoyListenerLog: "bool",
  defaultConfig: "object",
  outboundTrafficPolicy: "object",
  inboundTrafficPolicy: "object",
  configSources: "list",
  enableAutoMtls: "bool",
  trustDomain: "string",
  trustDomainAliases: "list",
  caCertificates: "list",
  defaultServiceExportTo: "list",
  defaultVirtualServiceExportTo: "list",
  defaultDestinationRuleExportTo: "list",
  rootNamespace: "string",
  localityLbSetting: "object",
  zoneAwareLbSetting: "object",
  dnsRefreshRate: "duration",
  h2UpgradePolicy: ["DO_NOT_UPGRADE", "UPGRADE"],
  inboundClusterStatName: "string",
  outboundClusterStatName: "string",
  certificates: "list",
  serviceSettings: "list",
  serviceScopeConfigs: "list",
  enablePrometheusMerge: "bool",
  verifyCertificateAtClient: "bool",
  ca: "object",
  extensionProviders: "list",
  defaultProviders: "object",
  discoverySelectors: "list",
  pathNormalization: "object",
  defaultHttpRetryPolicy: "object",
  meshMTLS: "object",
  tlsDefaults: "object",
  defaultTrafficPolicy: "object",
  serviceEntryVisibility: "object",
};

/** Fields Istio removed (reserved in the proto): istiod drops them, as it always did once they were gone. */
const REMOVED_FIELDS = new Set(
  [
    "thrift_config", "mixer_check_server", "mixer_report_server", "disable_policy_checks", "disable_mixer_http_reports",
    "policy_check_fail_open", "sidecar_to_telemetry_session_affinity", "auth_policy", "rds_refresh_delay", "mixer_address",
    "enable_client_side_policy_check", "sds_uds_path", "sds_refresh_delay", "enable_sds_token_mount", "sds_use_k8s_sa_jwt",
    "termination_drain_duration", "disable_report_batch", "report_batch_max_entries", "report_batch_max_time",
    "file_flush_interval", "file_flush_min_size",
  ].flatMap((name) => [name, camel(name)]),
);

function camel(protoName: string): string {
  return protoName.replace(/_([a-zA-Z])/g, (_, c: string) => c.toUpperCase());
}

/** A proto field name (`enable_auto_mtls`, `mesh_mTLS`) as the JSON name it also goes by. */
const jsonName = (key: string): string => (key.includes("_") ? camel(key) : key);

/**
 * What is wrong with a MeshConfig document, one sentence per field (empty when nothing is). Fields it does not know
 * are left out when `unknownFields` is "ignore" (a running mesh's config: istiod ignores them too).
 */
export function meshConfigProblems(config: Readonly<Record<string, unknown>>, unknownFields: "report" | "ignore" = "report"): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config)) {
    const name = jsonName(key);
    const type = MESH_CONFIG_FIELDS[name];
    if (type === undefined) {
      if (unknownFields === "report" && !REMOVED_FIELDS.has(key)) {
        problems.push(`"${key}" is not a MeshConfig field${didYouMean(key, Object.keys(MESH_CONFIG_FIELDS))}; istiod ignores it, so the setting it means keeps Istio's default`);
      }
      continue;
    }
    const wrong = typeProblem(key, value, type);
    if (wrong) {
      problems.push(wrong);
      continue;
    }
    const nested = NESTED_MODES[name];
    if (nested && isObject(value)) {
      for (const [inner, innerValue] of Object.entries(value)) {
        const innerType = nested[inner];
        const problem = innerType
          ? typeProblem(`${key}.${inner}`, innerValue, innerType)
          : unknownFields === "report"
            ? `"${key}.${inner}" is not a field of ${key}${didYouMean(inner, Object.keys(nested))}; istiod ignores it`
            : undefined;
        if (problem) problems.push(problem);
      }
    }
  }
  return problems;
}

function typeProblem(field: string, value: unknown, type: FieldType): string | undefined {
  if (value === null) return undefined; // JSON null: the field is unset
  const shown = typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? "a list" : isObject(value) ? "a mapping" : String(value);
  const refused = "istiod refuses a mesh config it cannot read";
  if (Array.isArray(type)) {
    const ok = (typeof value === "string" && type.includes(value)) || (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < type.length);
    return ok ? undefined : `${field} must be one of ${type.join(", ")}, not ${shown}${typeof value === "string" ? didYouMean(value, type) : ""} (${refused})`;
  }
  switch (type) {
    case "bool":
      return typeof value === "boolean" ? undefined : `${field} must be true or false, not ${shown} (${refused})`;
    case "string":
    case "duration":
      return typeof value === "string" ? undefined : `${field} must be a ${type === "duration" ? "duration such as 10s" : "string"}, not ${shown} (${refused})`;
    case "int":
      return (typeof value === "number" && Number.isInteger(value)) || (typeof value === "string" && /^-?\d+$/.test(value)) ? undefined : `${field} must be an integer, not ${shown} (${refused})`;
    case "list":
      return Array.isArray(value) ? undefined : `${field} must be a list, not ${shown} (${refused})`;
    case "object":
      return isObject(value) ? undefined : `${field} must be a mapping, not ${shown} (${refused})`;
  }
  return undefined;
}
