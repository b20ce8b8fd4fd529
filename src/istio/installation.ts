import { asArray, asNumber, asObject, asString, asStringMap } from "../base/json.js";
import { assumedResource as assumed } from "../model/installation.js";
import { K } from "../model/kinds.js";
import { type Resource, annotationsOf, isLinted, spec } from "../model/resource.js";
import { matches, selectorFromLabels } from "../model/selectors.js";
import type { AssumedGateway, AssumedPort, Installation, IstioProfile, Settings } from "../model/settings.js";
import { workloadOf } from "../model/workloads.js";

// What an Istio installation provides, as istioctl's profiles and the Helm charts define it (manifests/profiles,
// manifests/helm-profiles, the gateway charts' values): istiod, the ingress gateway of `default`, the egress gateway
// `demo` adds, none for `minimal`, `ambient`, `remote` and `empty`. When the settings name no profile, every component
// a repository may reference is assumed: a repository that routes through Istio's own egress gateway has installed
// it, and the settings can say otherwise (`profile`, or a gateway set to false).

const port = (number: number, name: string, targetPort = number): AssumedPort => ({ port: number, targetPort, name });

const STATUS_PORT = port(15021, "status-port");
const DEFAULT_INGRESS_PORTS = [STATUS_PORT, port(80, "http2", 8080), port(443, "https", 8443)];
/** The demo profile's ingress adds the TCP and the multi-cluster TLS ports. */
const DEMO_INGRESS_PORTS = [...DEFAULT_INGRESS_PORTS, port(31400, "tcp"), port(15443, "tls")];
const EGRESS_PORTS = [port(80, "http2", 8080), port(443, "https", 8443)];

export const INGRESS_GATEWAY_NAME = "istio-ingressgateway";
export const EGRESS_GATEWAY_NAME = "istio-egressgateway";

const ingress = (namespace: string, ports: readonly AssumedPort[]): AssumedGateway => ({
  namespace,
  name: INGRESS_GATEWAY_NAME,
  labels: { app: INGRESS_GATEWAY_NAME, istio: "ingressgateway" },
  ports,
  serviceType: "LoadBalancer",
});
const egress = (namespace: string): AssumedGateway => ({
  namespace,
  name: EGRESS_GATEWAY_NAME,
  labels: { app: EGRESS_GATEWAY_NAME, istio: "egressgateway" },
  ports: EGRESS_PORTS,
  serviceType: "ClusterIP",
});

/** The gateways each profile installs (undefined: no profile named, so any the repository may reference). */
function profileGateways(profile: IstioProfile | undefined, namespace: string): AssumedGateway[] {
  switch (profile) {
    case undefined:
      return [ingress(namespace, DEMO_INGRESS_PORTS), egress(namespace)];
    case "default":
      return [ingress(namespace, DEFAULT_INGRESS_PORTS)];
    case "demo":
      return [ingress(namespace, DEMO_INGRESS_PORTS), egress(namespace)];
    default:
      return [];
  }
}

export const ISTIO_GATEWAY_CLASSES = ["istio", "istio-waypoint", "istio-remote"];
export const KUBERNETES_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];

/** A gateway as the configuration file writes it (`installation.gateways.<name>`, `installation.ingressGateway`). */
export interface GatewayInput {
  readonly namespace?: string | undefined;
  readonly name?: string | undefined;
  readonly labels?: Readonly<Record<string, string>> | undefined;
  readonly ports?: readonly number[] | undefined;
}

/** `settings.installation` as the configuration file writes it. */
export interface InstallationInput {
  readonly profile?: IstioProfile | undefined;
  readonly istioNamespace?: string | undefined;
  /** By name: false removes a gateway of the profile; an object declares one or changes the profile's. */
  readonly gateways?: Readonly<Record<string, false | GatewayInput>> | undefined;
  /** The earlier form of `gateways.istio-ingressgateway`. */
  readonly ingressGateway?: false | GatewayInput | undefined;
  readonly gatewayClasses?: readonly string[] | undefined;
  readonly namespaces?: readonly string[] | undefined;
}

/** The installation the settings describe: the profile's components, changed by the declared gateways. */
export function resolveInstallation(input: InstallationInput = {}): Installation {
  const istioNamespace = input.istioNamespace ?? "istio-system";
  const gateways = new Map(profileGateways(input.profile, istioNamespace).map((g) => [g.name, g]));
  const declared: [string, false | GatewayInput][] = Object.entries(input.gateways ?? {});
  if (input.ingressGateway !== undefined) declared.push([INGRESS_GATEWAY_NAME, input.ingressGateway]);
  for (const [key, value] of declared) {
    if (value === false) {
      gateways.delete(key);
      continue;
    }
    const base = gateways.get(key);
    const name = value.name ?? key;
    gateways.delete(key);
    gateways.set(name, {
      namespace: value.namespace ?? base?.namespace ?? istioNamespace,
      name,
      labels: value.labels ?? base?.labels ?? { app: name, istio: name.replace(/^istio-/, "") },
      ports: value.ports ? value.ports.map((n) => base?.ports.find((p) => p.port === n) ?? port(n, portName(n))) : (base?.ports ?? []),
      serviceType: base?.serviceType ?? "LoadBalancer",
    });
  }
  const istiod = input.profile !== "empty";
  return {
    profile: input.profile,
    istioNamespace,
    istiod,
    gateways: [...gateways.values()],
    gatewayClasses: input.gatewayClasses ?? (istiod ? ISTIO_GATEWAY_CLASSES : []),
    exactGatewayClasses: input.gatewayClasses !== undefined,
    namespaces: input.namespaces ?? [...KUBERNETES_NAMESPACES, istioNamespace],
  };
}

export const DEFAULT_INSTALLATION: Installation = resolveInstallation();

const portName = (n: number): string =>
  n === 80 ? "http2" : n === 443 ? "https" : n === 15443 ? "tls" : n === 31400 ? "tcp" : n === 15021 ? "status-port" : `tcp-${n}`;

/** The controllers of Istio's own GatewayClasses (pkg/config/constants). */
const CLASS_CONTROLLERS: Readonly<Record<string, string>> = {
  istio: "istio.io/gateway-controller",
  "istio-waypoint": "istio.io/mesh-controller",
  "istio-remote": "istio.io/unmanaged-gateway",
  "istio-east-west": "istio.io/eastwest-controller",
};

/**
 * The objects an Istio installation provides and a repository normally does not hold: the root namespace, istiod's
 * Service, each gateway's workload and Service, the GatewayClasses, and the Services Istio deploys for the
 * repository's own Gateway API Gateways. The project layer adds each only when the repository does not define its
 * own, so nothing an installation provides is reported as missing.
 */
export function istioProvided(repo: readonly Resource[], settings: Settings): Resource[] {
  const out: Resource[] = [];
  const { installation } = settings;
  out.push(assumed("v1", K.Namespace, "", settings.rootNamespace, {}));
  for (const name of installation.gatewayClasses) {
    out.push(
      assumed("gateway.networking.k8s.io/v1", K.GatewayClass, "", name, {
        spec: { controllerName: CLASS_CONTROLLERS[name] ?? `istio.io/${name.replace(/^istio-/, "")}-controller` },
      }),
    );
  }
  if (installation.istiod) {
    out.push(
      assumed("v1", K.Service, installation.istioNamespace, "istiod", {
        spec: {
          selector: { app: "istiod", istio: "pilot" },
          ports: [
            { name: "grpc-xds", port: 15010, protocol: "TCP", targetPort: 15010 },
            { name: "https-dns", port: 15012, protocol: "TCP", targetPort: 15012 },
            { name: "https-webhook", port: 443, protocol: "TCP", targetPort: 15017 },
            { name: "http-monitoring", port: 15014, protocol: "TCP", targetPort: 15014 },
          ],
        },
      }),
    );
  }
  for (const gw of installation.gateways) out.push(...gatewayObjects(repo, gw));
  out.push(...generatedGatewayServices(repo, installation));
  return out;
}

/** A gateway's Service, and its Deployment unless the repository runs pods with its labels in its namespace. */
function gatewayObjects(repo: readonly Resource[], gw: AssumedGateway): Resource[] {
  const ports = gw.ports.map((p) => ({ name: p.name, port: p.port, protocol: "TCP", targetPort: p.targetPort }));
  const service = assumed("v1", K.Service, gw.namespace, gw.name, { spec: { type: gw.serviceType, selector: gw.labels, ports } });
  // Gateways select their pods by the `istio` label: pods of the repository's own that carry it are the gateway.
  const selector = selectorFromLabels(gw.labels.istio !== undefined ? { istio: gw.labels.istio } : gw.labels);
  const hasWorkload = repo.some((r) => {
    if (r.namespace !== gw.namespace) return false;
    const w = workloadOf(r);
    return w !== undefined && matches(selector, w.labels);
  });
  if (hasWorkload) return [service];
  const podLabels = { app: gw.name, ...gw.labels };
  const deployment = assumed("apps/v1", K.Deployment, gw.namespace, gw.name, {
    spec: {
      selector: { matchLabels: podLabels },
      template: {
        metadata: { labels: podLabels },
        spec: {
          serviceAccountName: `${gw.name}-service-account`,
          containers: [{ name: "istio-proxy", image: "auto", ports: gw.ports.map((p) => ({ containerPort: p.targetPort, protocol: "TCP" })) }],
        },
      },
    },
  });
  return [deployment, service];
}

/** Istio's classes whose Gateways it deploys without the `-<class>` suffix (pilot/pkg/config/kube/gatewaycommon). */
const UNSUFFIXED_CLASSES = new Set(["istio-waypoint", "istio-east-west", "agentgateway", "agentgateway-waypoint"]);
const MANAGED_CLASSES = new Set(["istio", ...UNSUFFIXED_CLASSES]);

/**
 * The Services Istio's deployment controller creates for the repository's managed Gateway API Gateways: named
 * `<gateway>-<class>` (`<gateway>` for the waypoint and east-west classes, or the `gateway.istio.io/name-override`
 * annotation), selecting the gateway's pods, with the listeners' ports and the status port. A Gateway whose
 * addresses name a Hostname points at an existing Service and gets none.
 */
function generatedGatewayServices(repo: readonly Resource[], installation: Installation): Resource[] {
  if (!installation.istiod) return [];
  return repo.flatMap((gw) => {
    if (gw.group !== K.KubernetesGateway.group || gw.kind !== K.KubernetesGateway.kind || !isLinted(gw)) return [];
    const s = spec(gw);
    const className = asString(s.gatewayClassName);
    if (!className || !MANAGED_CLASSES.has(className)) return [];
    if (asArray(s.addresses).some((a) => asString(asObject(a)?.type) === "Hostname")) return [];
    const name = annotationsOf(gw)["gateway.istio.io/name-override"] ?? (UNSUFFIXED_CLASSES.has(className) ? gw.name : `${gw.name}-${className}`);
    const listenerPorts = asArray(s.listeners).flatMap((l) => {
      const listener = asObject(l);
      const number = asNumber(listener?.port);
      return number === undefined ? [] : [{ name: `${(asString(listener?.protocol) ?? "tcp").toLowerCase()}-${number}`, port: number, protocol: "TCP", targetPort: number }];
    });
    const ports = [{ name: "status-port", port: 15021, protocol: "TCP", targetPort: 15021 }, ...dedupeByPort(listenerPorts)];
    const labels = asStringMap(asObject(s.infrastructure)?.labels) ?? {};
    return [
      assumed("v1", K.Service, gw.namespace, name, {
        metadata: { name, namespace: gw.namespace, labels: { ...labels, "gateway.istio.io/managed": "istio.io-gateway-controller" } },
        spec: { selector: { "gateway.networking.k8s.io/gateway-name": gw.name }, ports },
      }),
    ];
  });
}

function dedupeByPort<T extends { port: number }>(ports: readonly T[]): T[] {
  const seen = new Set<number>();
  return ports.filter((p) => !seen.has(p.port) && (seen.add(p.port), true));
}
