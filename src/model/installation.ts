import { K, type KindKey, parseApiVersion } from "./kinds.js";
import { type JsonObject, type Origin, type Resource, deepFreeze, identity } from "./resource.js";
import { matches, selectorFromLabels } from "./selectors.js";
import type { Settings } from "./settings.js";
import { workloadOf } from "./workloads.js";

const INSTALLATION_ORIGIN: Origin = { kind: "installation", locate: () => undefined };

function assumed(apiVersion: string, kind: KindKey, namespace: string, name: string, rest: JsonObject): Resource {
  const data = deepFreeze({ apiVersion, kind: kind.kind, metadata: { name, ...(namespace ? { namespace } : {}) }, ...rest });
  const { group, version } = parseApiVersion(apiVersion);
  return {
    apiVersion,
    group,
    version,
    kind: kind.kind,
    namespace,
    name,
    namespaceWritten: true,
    data,
    origin: INSTALLATION_ORIGIN,
    id: identity(kind, namespace, name),
  };
}

/**
 * The objects a standard installation provides and a repository normally does not hold: the ingress gateway's
 * workload and Service, the API server's Service, the mesh's GatewayClasses and its namespaces. Each is assumed
 * only when the repository does not define its own, so nothing an installation provides is reported as missing.
 */
export function installationResources(repo: readonly Resource[], settings: Settings): Resource[] {
  const ids = new Set(repo.map((r) => r.id));
  const out: Resource[] = [];
  const addIfMissing = (r: Resource) => {
    if (!ids.has(r.id)) out.push(r);
  };
  const { installation } = settings;

  for (const ns of new Set([...installation.namespaces, settings.rootNamespace])) {
    addIfMissing(assumed("v1", K.Namespace, "", ns, {}));
  }
  addIfMissing(
    assumed("v1", K.Service, "default", "kubernetes", {
      spec: { ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: 6443 }] },
    }),
  );
  for (const name of installation.gatewayClasses) {
    addIfMissing(
      assumed("gateway.networking.k8s.io/v1", K.GatewayClass, "", name, {
        spec: { controllerName: name === "istio" ? "istio.io/gateway-controller" : `istio.io/${name.replace(/^istio-/, "")}-controller` },
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
      addIfMissing(
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
    addIfMissing(assumed("v1", K.Service, gw.namespace, gw.name, { spec: { type: "LoadBalancer", selector: gw.labels, ports } }));
  }
  return out;
}

const portName = (port: number): string =>
  port === 80 ? "http2" : port === 443 ? "https" : port === 15443 ? "tls" : port === 31400 ? "tcp" : `tcp-${port}`;

export const isAssumed = (r: Resource): boolean => r.origin.kind === "installation";
