import { readRegularTextSync } from "../base/read-file.js";
import { resolve } from "node:path";
import { type JsonObject, asString } from "../base/json.js";
import type { Config } from "../engine/config.js";
import { type InstallationInput, resolveInstallation } from "../istio/installation.js";
import { DEFAULT_MESH_CONFIG, MeshConfigError, mergeMeshConfig, parseMeshConfig, parseMeshNetworks } from "../istio/mesh-config.js";
import type { Installation, LinkerdSettings, Settings } from "../model/settings.js";

/** A mistake in how meshlint was called: an unreadable config or mesh config, a bad option value. */
export class UsageError extends Error {}

export interface SettingsInput {
  defaultNamespace?: string | undefined;
  clusterDomain?: string | undefined;
  rootNamespace?: string | undefined;
  meshConfig?: JsonObject | undefined;
  meshNetworks?: JsonObject | undefined;
  installation?: InstallationInput | undefined;
  /** What a live cluster showed of the installation; wins over `installation`. */
  installationRead?: Partial<Installation> | undefined;
  externalHosts?: readonly string[] | undefined;
  gatewayApiChannel?: "standard" | "experimental" | undefined;
  gatewayApiBundle?: "auto" | "upstream" | "linkerd" | undefined;
  linkerd?: Partial<LinkerdSettings> | undefined;
  readOnlyIn?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** Settings with every default filled in: Istio's MeshConfig defaults, its standard installation, `cluster.local`. */
export function makeSettings(partial: SettingsInput = {}): Settings {
  const meshConfig = partial.meshConfig ?? DEFAULT_MESH_CONFIG;
  return {
    defaultNamespace: partial.defaultNamespace ?? "default",
    clusterDomain: partial.clusterDomain ?? "cluster.local",
    rootNamespace: partial.rootNamespace ?? asString(meshConfig.rootNamespace) ?? "istio-system",
    meshConfig,
    meshNetworks: partial.meshNetworks,
    installation: { ...resolveInstallation(partial.installation), ...partial.installationRead },
    externalHosts: partial.externalHosts ?? [],
    gatewayApiChannel: partial.gatewayApiChannel,
    gatewayApiBundle: partial.gatewayApiBundle ?? "auto",
    linkerd: { distribution: partial.linkerd?.distribution ?? "open-source", injectValues: partial.linkerd?.injectValues ?? [] },
    readOnlyIn: partial.readOnlyIn ?? {},
  };
}

/** What the command line (or an API caller) says about the cluster; it wins over the configuration file. */
export interface SettingsOptions {
  readonly namespace?: string;
  readonly meshConfigFile?: string;
  /** A MeshConfig given as data (merged over Istio's defaults), instead of meshConfigFile. */
  readonly meshConfig?: JsonObject;
  readonly meshNetworksFile?: string;
  readonly gatewayApiChannel?: "standard" | "experimental";
  /** What the installation provides, when known (read from a live cluster); wins over the configuration file. */
  readonly installation?: Partial<Installation>;
  /** Kinds a live cluster let meshlint read in these namespaces only (see Settings.readOnlyIn). */
  readonly readOnlyIn?: Readonly<Record<string, readonly string[]>>;
}

/** The run's settings: options first, then the configuration file (paths in it relative to its folder). */
export function settingsFor(config: Config, options: SettingsOptions, cwd: string): Settings {
  const s = config.settings;
  const meshConfigFile = options.meshConfigFile ? resolve(cwd, options.meshConfigFile) : s.meshConfig && resolve(config.dir, s.meshConfig);
  const meshNetworksFile = options.meshNetworksFile
    ? resolve(cwd, options.meshNetworksFile)
    : s.meshNetworks && resolve(config.dir, s.meshNetworks);
  return makeSettings({
    defaultNamespace: options.namespace ?? s.namespace,
    clusterDomain: s.clusterDomain,
    rootNamespace: s.rootNamespace,
    meshConfig: options.meshConfig
      ? mergeMeshConfig(DEFAULT_MESH_CONFIG, options.meshConfig)
      : meshConfigFile
        ? readMeshFile(meshConfigFile, parseMeshConfig)
        : undefined,
    meshNetworks: meshNetworksFile ? readMeshFile(meshNetworksFile, parseMeshNetworks) : undefined,
    externalHosts: s.externalHosts,
    gatewayApiChannel: options.gatewayApiChannel ?? s.gatewayApiChannel,
    gatewayApiBundle: s.gatewayApiBundle,
    linkerd: s.linkerd,
    installation: s.installation,
    installationRead: options.installation,
    readOnlyIn: options.readOnlyIn,
  });
}

function readMeshFile(file: string, parse: (text: string, file: string) => JsonObject): JsonObject {
  let text: string;
  try {
    text = readRegularTextSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  try {
    return parse(text, file);
  } catch (error) {
    if (error instanceof MeshConfigError) throw new UsageError(error.message);
    throw error;
  }
}
