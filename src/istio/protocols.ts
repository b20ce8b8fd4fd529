import type { ServicePort } from "../model/services.js";

/**
 * The protocol Istio gives a Service or container port: `appProtocol` first, else the port name's prefix before
 * the first `-` (`http-api` → http), case-insensitively; ports that say neither are sniffed ("unknown").
 * https://istio.io/latest/docs/ops/configuration/traffic-management/protocol-selection/
 */
export type IstioProtocol = "http" | "http2" | "https" | "grpc" | "grpc-web" | "tcp" | "tls" | "mongo" | "mysql" | "redis" | "udp" | "unknown";

const KNOWN = new Set<IstioProtocol>(["http", "http2", "https", "grpc", "grpc-web", "tcp", "tls", "mongo", "mysql", "redis", "udp"]);

export function portProtocol(port: { readonly name?: string | undefined; readonly appProtocol?: string | undefined; readonly protocol?: string | undefined }): IstioProtocol {
  if (port.protocol?.toUpperCase() === "UDP") return "udp";
  const fromAppProtocol = normalize(port.appProtocol);
  if (fromAppProtocol) return fromAppProtocol;
  const name = port.name?.toLowerCase() ?? "";
  const prefix = name === "grpc-web" || name.startsWith("grpc-web-") ? "grpc-web" : name.split("-")[0];
  return normalize(prefix) ?? "unknown";
}

/** The protocol Istio gives a Service port. */
export const servicePortProtocol = (port: ServicePort): IstioProtocol =>
  portProtocol({ name: port.name, appProtocol: port.appProtocol, protocol: port.transport });

function normalize(value: string | undefined): IstioProtocol | undefined {
  if (!value) return undefined;
  const v = value.toLowerCase();
  if (v === "h2c" || v === "kubernetes.io/h2c") return "http2";
  if (v === "kubernetes.io/ws" || v === "kubernetes.io/wss") return "http";
  return KNOWN.has(v as IstioProtocol) ? (v as IstioProtocol) : undefined;
}

/** Protocols whose traffic Envoy handles as HTTP (so HTTP-only policy fields apply). */
export const isHttpProtocol = (p: IstioProtocol): boolean => p === "http" || p === "http2" || p === "grpc" || p === "grpc-web";

/** The protocols Istio's port parser knows (pkg/config/protocol), lower case. */
const PARSED = new Set(["tcp", "udp", "grpc", "grpc-web", "http", "http_proxy", "http2", "https", "tls", "mongo", "redis", "mysql"]);
/** Ports Istio treats as TCP when their name says nothing, because sniffing would break them (SMTP, DNS, MySQL, MongoDB). */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);
const KUBERNETES_APP_PROTOCOLS: Readonly<Record<string, string>> = {
  "kubernetes.io/h2c": "http2",
  "kubernetes.io/ws": "http",
  "kubernetes.io/wss": "https",
};

/**
 * The protocol a Service port gets the way istioctl's analyzers derive it (pkg/config/kube ConvertProtocol):
 * UDP from `protocol`; else `appProtocol` when set, otherwise the port name, read up to its first `-` (a
 * `grpc-web` prefix whole), case-insensitively; TCP for the well-known ports 25, 53, 3306 and 27017 when that
 * names nothing. Undefined: Istio will sniff the protocol.
 */
export function analyzerPortProtocol(port: {
  readonly port?: number | undefined;
  readonly name?: string | undefined;
  readonly appProtocol?: string | undefined;
  readonly protocol?: string | undefined;
}): string | undefined {
  if (port.protocol?.toUpperCase() === "UDP") return "udp";
  const written = port.appProtocol ?? port.name ?? "";
  const known = KUBERNETES_APP_PROTOCOLS[written];
  if (port.appProtocol !== undefined && known) return known;
  const lower = written.toLowerCase();
  const prefix = lower.startsWith("grpc-web") ? "grpc-web" : (lower.split("-")[0] ?? "");
  if (PARSED.has(prefix)) return prefix;
  return port.port !== undefined && WELL_KNOWN_TCP_PORTS.has(port.port) ? "tcp" : undefined;
}

/** Whether an `appProtocol` value is exactly a protocol Istio knows (as Kiali requires), case-insensitively. */
export const isKnownAppProtocol = (value: string): boolean => PARSED.has(value.toLowerCase()) || value in KUBERNETES_APP_PROTOCOLS;
