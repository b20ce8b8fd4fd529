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

function normalize(value: string | undefined): IstioProtocol | undefined {
  if (!value) return undefined;
  const v = value.toLowerCase();
  if (v === "h2c" || v === "kubernetes.io/h2c") return "http2";
  if (v === "kubernetes.io/ws" || v === "kubernetes.io/wss") return "http";
  return KNOWN.has(v as IstioProtocol) ? (v as IstioProtocol) : undefined;
}

/** Protocols whose traffic Envoy handles as HTTP (so HTTP-only policy fields apply). */
export const isHttpProtocol = (p: IstioProtocol): boolean => p === "http" || p === "http2" || p === "grpc" || p === "grpc-web";
