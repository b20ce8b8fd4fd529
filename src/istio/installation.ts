import { assumedResource as assumed } from "../model/installation.js";
import { K } from "../model/kinds.js";
import type { Resource } from "../model/resource.js";
import { matches, selectorFromLabels } from "../model/selectors.js";
import type { AssumedIngressGateway, Installation, Settings } from "../model/settings.js";
import { workloadOf } from "../model/workloads.js";

/** The ingress gateway a standard Istio installation provides (istioctl's files-only mode assumes the same). */
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

/** The controllers of Istio's own GatewayClasses (pkg/config/constants). */
const CLASS_CONTROLLERS: Readonly<Record<string, string>> = {
  istio: "istio.io/gateway-controller",
  "istio-waypoint": "istio.io/mesh-controller",
  "istio-remote": "istio.io/unmanaged-gateway",
  "istio-east-west": "istio.io/eastwest-controller",
};

/**
 * The objects an Istio installation provides and a repository normally does not hold: the root namespace, the
 * ingress gateway's workload and Service, and the GatewayClasses. The project layer adds each only when the
 * repository does not define its own, so nothing an installation provides is reported as missing.
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

  const gw = installation.ingressGateway;
  if (gw) {
    const selector = selectorFromLabels(gw.labels);
    const hasWorkload = repo.some((r) => {
      if (r.namespace !== gw.namespace) return false;
      const w = workloadOf(r);
      return w !== undefined && matches(selector, w.labels);
    });
    const ports = gw.ports.map((port) => ({ name: portName(port), port, protocol: "TCP", targetPort: port }));
    if (!hasWorkload) {
      const podLabels = { app: gw.name, ...gw.labels };
      out.push(
        assumed("apps/v1", K.Deployment, gw.namespace, gw.name, {
          spec: {
            selector: { matchLabels: podLabels },
            template: {
              metadata: { labels: podLabels },
              spec: {
                serviceAccountName: `${gw.name}-service-account`,
                containers: [{ name: "istio-proxy", image: "auto", ports: ports.map((p) => ({ containerPort: p.port, protocol: "TCP" })) }],
              },
            },
          },
        }),
      );
    }
    out.push(assumed("v1", K.Service, gw.namespace, gw.name, { spec: { type: "LoadBalancer", selector: gw.labels, ports } }));
  }
  return out;
}

const portName = (port: number): string =>
  port === 80 ? "http2" : port === 443 ? "https" : port === 15443 ? "tls" : port === 31400 ? "tcp" : `tcp-${port}`;

