import { parse } from "yaml";
import { meshConfigProblems } from "./mesh-config-schema.js";
import { type Json, type JsonObject, asObject, asString, deepFreeze, isObject } from "../model/resource.js";

/**
 * Istio's MeshConfig defaults (pkg/config/mesh DefaultMeshConfig), limited to the fields meshlint reads.
 * A user's mesh config is merged over these the way istiod merges it: objects field by field, lists replaced.
 */
export const DEFAULT_MESH_CONFIG: JsonObject = deepFreeze({
  rootNamespace: "istio-system",
  trustDomain: "cluster.local",
  trustDomainAliases: [],
  enableAutoMtls: true,
  outboundTrafficPolicy: { mode: "ALLOW_ANY" },
  ingressService: "istio-ingressgateway",
  ingressControllerMode: "STRICT",
  ingressClass: "istio",
  ingressSelector: "ingressgateway",
  defaultServiceExportTo: ["*"],
  defaultVirtualServiceExportTo: ["*"],
  defaultDestinationRuleExportTo: ["*"],
  enablePrometheusMerge: true,
  accessLogFile: "",
  extensionProviders: [
    { name: "prometheus", prometheus: {} },
    { name: "stackdriver", stackdriver: {} },
    { name: "envoy", envoyFileAccessLog: { path: "/dev/stdout" } },
  ],
  defaultProviders: {},
  defaultConfig: {
    discoveryAddress: "istiod.istio-system.svc:15012",
    proxyMetadata: {},
  },
});

export function mergeMeshConfig(base: JsonObject, override: JsonObject): JsonObject {
  const out: Record<string, Json> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeMeshConfig(current, value) : value;
  }
  return out;
}

export class MeshConfigError extends Error {}

/**
 * Reads `--mesh-config`: a bare MeshConfig document, or the `istio` ConfigMap whose `mesh` key holds one. A value
 * of the wrong type is an error, as for istiod; so is a field MeshConfig does not have, unless `unknownFields` is
 * "ignore" (the config of a running mesh).
 */
export function parseMeshConfig(text: string, file: string, unknownFields: "report" | "ignore" = "report"): JsonObject {
  const checked = (config: JsonObject, where: string): JsonObject => {
    const problems = meshConfigProblems(config, unknownFields);
    if (problems.length === 0) return config;
    throw new MeshConfigError(problems.map((p) => `${where}: ${p}.`).join("\n"));
  };
  const doc = parseDocumentObject(text, file);
  if (doc.kind === "ConfigMap") {
    const mesh = asString(asObject(doc.data)?.mesh);
    if (mesh === undefined) throw new MeshConfigError(`${file}: the ConfigMap has no "data.mesh" key holding a MeshConfig.`);
    return deepFreeze(mergeMeshConfig(DEFAULT_MESH_CONFIG, checked(parseDocumentObject(mesh, `${file} (data.mesh)`), `${file} (data.mesh)`)));
  }
  return deepFreeze(mergeMeshConfig(DEFAULT_MESH_CONFIG, checked(doc, file)));
}


/** Reads `--mesh-networks`: a bare MeshNetworks document, or the `istio` ConfigMap whose `meshNetworks` key holds one. */
export function parseMeshNetworks(text: string, file: string): JsonObject {
  const doc = parseDocumentObject(text, file);
  if (doc.kind === "ConfigMap") {
    const networks = asString(asObject(doc.data)?.meshNetworks);
    if (networks === undefined) throw new MeshConfigError(`${file}: the ConfigMap has no "data.meshNetworks" key.`);
    return deepFreeze(parseDocumentObject(networks, `${file} (data.meshNetworks)`));
  }
  return deepFreeze(doc);
}

function parseDocumentObject(text: string, file: string): JsonObject {
  let value: unknown;
  try {
    value = parse(text, { version: "1.1" });
  } catch (error) {
    throw new MeshConfigError(`${file}: ${(error as Error).message.split("\n")[0]}`);
  }
  if (value === null || value === undefined) return {};
  if (!isObject(value)) throw new MeshConfigError(`${file}: expected a YAML mapping.`);
  return value;
}
