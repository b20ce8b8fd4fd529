import type { CrdDefinition } from "../schema/crd.js";
import type { AccessAssertion } from "./access.js";
import { DEFAULT_MESH_CONFIG } from "./mesh-config.js";
import { type JsonObject, asString } from "./resource.js";

/** The ingress gateway a standard Istio installation provides (istioctl's files-only mode assumes the same). */
export interface AssumedIngressGateway {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly number[];
}

/** What the cluster provides beyond the repository: assumed to exist unless the repository defines its own. */
export interface Installation {
  readonly ingressGateway: AssumedIngressGateway | false;
  /** GatewayClasses the mesh installs (Istio: `istio`, `istio-waypoint`, `istio-remote`). */
  readonly gatewayClasses: readonly string[];
  /** Namespaces that exist in every cluster or that the installation creates. */
  readonly namespaces: readonly string[];
}

export interface Settings {
  /** Namespace for namespaced resources that name none (`--namespace`). */
  readonly defaultNamespace: string;
  readonly clusterDomain: string;
  /** Istio's root (config) namespace; policies there apply mesh-wide. From the mesh config unless set. */
  readonly rootNamespace: string;
  readonly meshConfig: JsonObject;
  readonly meshNetworks: JsonObject | undefined;
  readonly installation: Installation;
  /** Host patterns (`*.corp.example.com`) that exist outside the repository, e.g. in another cluster. */
  readonly externalHosts: readonly string[];
  /** The Gateway API CRD channel the cluster runs (`--gateway-api-channel`). */
  readonly gatewayApiChannel: "standard" | "experimental";
  /**
   * `upstream`: Gateway API v1.6.1 only; `linkerd`: the v1.1.1 route CRDs Linkerd installs replace upstream's;
   * `auto` (default): upstream, but where the repository uses Linkerd, versions only Linkerd's CRDs serve are
   * accepted with a warning.
   */
  readonly gatewayApiBundle: "auto" | "upstream" | "linkerd";
  /** CRDs given with `--crds`: they override the bundled definitions of their kinds. */
  readonly crds: readonly CrdDefinition[];
  /** Expected access decisions from the config's `access:` list. */
  readonly accessAssertions: readonly AccessAssertion[];
}

export const DEFAULT_INGRESS_GATEWAY: AssumedIngressGateway = {
  namespace: "istio-system",
  name: "istio-ingressgateway",
  labels: { istio: "ingressgateway" },
  ports: [80, 443, 15443, 31400],
};

export const DEFAULT_INSTALLATION: Installation = {
  ingressGateway: DEFAULT_INGRESS_GATEWAY,
  gatewayClasses: ["istio", "istio-waypoint", "istio-remote"],
  namespaces: ["default", "kube-system", "kube-public", "kube-node-lease", "istio-system"],
};

export function makeSettings(partial: {
  defaultNamespace?: string | undefined;
  clusterDomain?: string | undefined;
  rootNamespace?: string | undefined;
  meshConfig?: JsonObject | undefined;
  meshNetworks?: JsonObject | undefined;
  installation?: Partial<Installation> | undefined;
  externalHosts?: readonly string[] | undefined;
  gatewayApiChannel?: "standard" | "experimental" | undefined;
  gatewayApiBundle?: "auto" | "upstream" | "linkerd" | undefined;
  crds?: readonly CrdDefinition[] | undefined;
  accessAssertions?: readonly AccessAssertion[] | undefined;
}): Settings {
  const meshConfig = partial.meshConfig ?? DEFAULT_MESH_CONFIG;
  return {
    defaultNamespace: partial.defaultNamespace ?? "default",
    clusterDomain: partial.clusterDomain ?? "cluster.local",
    rootNamespace: partial.rootNamespace ?? asString(meshConfig.rootNamespace) ?? "istio-system",
    meshConfig,
    meshNetworks: partial.meshNetworks,
    installation: { ...DEFAULT_INSTALLATION, ...partial.installation },
    externalHosts: partial.externalHosts ?? [],
    gatewayApiChannel: partial.gatewayApiChannel ?? "standard",
    gatewayApiBundle: partial.gatewayApiBundle ?? "auto",
    crds: partial.crds ?? [],
    accessAssertions: partial.accessAssertions ?? [],
  };
}
