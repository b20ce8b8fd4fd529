import type { JsonObject } from "../base/json.js";

// What a run knows of the cluster beyond the repository. Plain data: the meshes' folders read it, the project layer
// (src/project/settings.ts) builds it from the config, the command line and each mesh's defaults.

/** An ingress gateway the installation provides (Istio's default: istio-ingressgateway in istio-system). */
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
}
