import type { JsonObject } from "../base/json.js";

// What a run knows of the cluster beyond the repository. Plain data: the meshes' folders read it, the project layer
// (src/project/settings.ts) builds it from the config, the command line and each mesh's defaults.

/** A port of a Service the installation provides: the Service port, the container port it reaches, its name. */
export interface AssumedPort {
  readonly port: number;
  readonly targetPort: number;
  readonly name: string;
}

/** A gateway the installation provides: a Deployment of proxy pods with these labels, and a Service in front of it. */
export interface AssumedGateway {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly AssumedPort[];
  readonly serviceType: "LoadBalancer" | "ClusterIP" | "NodePort";
}

/** Istio's installation profiles, as istioctl and the Helm charts define them. */
export const ISTIO_PROFILES = ["default", "demo", "minimal", "ambient", "empty", "remote"] as const;
export type IstioProfile = (typeof ISTIO_PROFILES)[number];

/** What the cluster provides beyond the repository: assumed to exist unless the repository defines its own. */
export interface Installation {
  /**
   * The Istio profile the settings name; undefined when they name none, and then every component a repository
   * may reference (istiod, the ingress and the egress gateway) is assumed.
   */
  readonly profile: IstioProfile | undefined;
  /** The namespace Istio is installed in: istiod and the gateways of the profile. */
  readonly istioNamespace: string;
  /** Whether istiod runs (every profile but `empty`). */
  readonly istiod: boolean;
  /** The gateways the installation provides: the profile's, plus those the settings declare, less those they remove. */
  readonly gateways: readonly AssumedGateway[];
  /** GatewayClasses the cluster provides (Istio: `istio`, `istio-waypoint`, `istio-remote`; others the settings name). */
  readonly gatewayClasses: readonly string[];
  /** The settings (or a live cluster) list every GatewayClass the cluster has, so a class outside the list is missing. */
  readonly exactGatewayClasses: boolean;
  /** Namespaces that exist in every cluster or that the installation creates. */
  readonly namespaces: readonly string[];
}

/** The Linkerd distributions meshlint knows: their proxy injectors accept different `linkerd.io/inject` values. */
export const LINKERD_DISTRIBUTIONS = ["open-source", "enterprise"] as const;
export type LinkerdDistribution = (typeof LINKERD_DISTRIBUTIONS)[number];

/** Which Linkerd the cluster runs. */
export interface LinkerdSettings {
  /** `open-source` (default) or `enterprise` (Buoyant Enterprise for Linkerd). */
  readonly distribution: LinkerdDistribution;
  /** Further `linkerd.io/inject` values the cluster's injector accepts as meshing the pod. */
  readonly injectValues: readonly string[];
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
  /**
   * The Gateway API CRD channel the cluster runs (`--gateway-api-channel`). Undefined when nobody said: the
   * standard channel, unless the repository holds kinds or versions only the experimental channel serves (channels
   * are installed as one bundle, so a repository with TCPRoutes runs the experimental one).
   */
  readonly gatewayApiChannel: "standard" | "experimental" | undefined;
  /**
   * `upstream`: Gateway API v1.6.1 only; `linkerd`: the v1.1.1 route CRDs Linkerd installs replace upstream's;
   * `auto` (default): upstream, but where the repository uses Linkerd, versions only Linkerd's CRDs serve are
   * accepted with a warning.
   */
  readonly gatewayApiBundle: "auto" | "upstream" | "linkerd";
  readonly linkerd: LinkerdSettings;
  /**
   * What a live cluster did not let meshlint read (a user bound to a namespaced Role): by kind id, the only
   * namespaces the kind was read in (`[]`: nowhere, as for a cluster-scoped kind that could not be listed). Objects of
   * a listed kind are unknown everywhere else, so a conclusion drawn from their absence cannot be trusted (see
   * src/model/unknown.ts). Kinds not listed were read everywhere, or come from files, which say what they say.
   */
  readonly readOnlyIn: Readonly<Record<string, readonly string[]>>;
}
