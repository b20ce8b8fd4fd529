import { K, type KindKey } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asNumber, asObject, asString, asStringMap, spec, isLinted } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type Selector, selectorFromLabels } from "../model/selectors.js";
import type { Workload } from "../model/workloads.js";

/** An IstioOperator: where an installation may set istiod's environment (`values.pilot.env`, `components.pilot.k8s.env`). */
export const ISTIO_OPERATOR: KindKey = Object.freeze({ group: "install.istio.io", kind: "IstioOperator" });

/** Kinds read by `scopeGatewayToNamespace` (and so by everything that resolves a Gateway's workloads). */
export const GATEWAY_SCOPE_KINDS: readonly KindKey[] = [K.Deployment, ISTIO_OPERATOR];

/** One entry of a Gateway server's `hosts`: `namespace/host`, where a bare host means every namespace (`*`). */
export interface ServerHost {
  readonly written: string;
  /** `*`, or a namespace name (`.` already replaced by the Gateway's namespace). */
  readonly namespace: string;
  /** Lower-case host name, possibly `*` or `*.suffix`. */
  readonly host: string;
  readonly path: FieldPath;
}

export interface ServerTls {
  readonly mode: string | undefined;
  /** `credentialName` and `credentialNames`, with the path of each. */
  readonly credentials: readonly { readonly name: string; readonly path: FieldPath }[];
  readonly serverCertificate: string | undefined;
  readonly privateKey: string | undefined;
  readonly path: FieldPath;
}

export interface GatewayServer {
  readonly index: number;
  readonly path: FieldPath;
  readonly port: number | undefined;
  /** Upper-case, as written (`HTTP`, `HTTPS`, `TCP`…). */
  readonly protocol: string | undefined;
  readonly bind: string | undefined;
  readonly tls: ServerTls | undefined;
  readonly hosts: readonly ServerHost[];
}

/** Reads `ns/host` the way Istio does for Gateway servers: `.` is the Gateway's namespace, no prefix is `*`. */
export function parseServerHost(written: string, gatewayNamespace: string): { namespace: string; host: string } {
  const slash = written.indexOf("/");
  if (slash < 0) return { namespace: "*", host: written.toLowerCase() };
  const ns = written.slice(0, slash);
  return { namespace: ns === "." ? gatewayNamespace : ns || "*", host: written.slice(slash + 1).toLowerCase() };
}

/** The servers of an Istio Gateway, read defensively. */
export function gatewayServers(gw: Resource): GatewayServer[] {
  return asArray(spec(gw).servers).flatMap((s, index) => {
    const server = asObject(s);
    if (!server) return [];
    const path: FieldPath = ["spec", "servers", index];
    const port = asObject(server.port);
    const tls = asObject(server.tls);
    const hosts = asArray(server.hosts).flatMap((h, j) =>
      typeof h === "string" && h ? [{ written: h, ...parseServerHost(h, gw.namespace), path: [...path, "hosts", j] }] : [],
    );
    const credentials = [
      ...(asString(tls?.credentialName) ? [{ name: asString(tls?.credentialName) as string, path: [...path, "tls", "credentialName"] }] : []),
      ...asArray(tls?.credentialNames).flatMap((c, k) =>
        typeof c === "string" && c ? [{ name: c, path: [...path, "tls", "credentialNames", k] }] : [],
      ),
    ];
    return [
      {
        index,
        path,
        port: asNumber(port?.number),
        protocol: asString(port?.protocol)?.toUpperCase(),
        bind: asString(server.bind),
        tls: tls
          ? { mode: asString(tls.mode), credentials, serverCertificate: asString(tls.serverCertificate), privateKey: asString(tls.privateKey), path: [...path, "tls"] }
          : undefined,
        hosts,
      },
    ];
  });
}

/**
 * Whether two server hosts can claim the same requests: their namespaces overlap (`*` overlaps every namespace)
 * and their names do. Names compare case-insensitively; `*` covers everything and `*.suffix` covers the concrete
 * names under it, but two different wildcards are not taken to overlap (the more specific one wins in Envoy).
 */
export function serverHostsOverlap(a: Pick<ServerHost, "namespace" | "host">, b: Pick<ServerHost, "namespace" | "host">): boolean {
  if (a.namespace !== b.namespace && a.namespace !== "*" && b.namespace !== "*") return false;
  return hostNamesOverlap(a.host, b.host);
}

export function hostNamesOverlap(a: string, b: string): boolean {
  if (a === b || a === "*" || b === "*") return true;
  const covers = (wild: string, name: string) => wild.startsWith("*.") && !name.startsWith("*") && name.endsWith(wild.slice(1));
  return covers(a, b) || covers(b, a);
}

/**
 * Server hosts filed so that the ones a host may overlap (serverHostsOverlap) are found without comparing it with
 * every other: a Gateway may list thousands of hosts, and comparing each pair took seconds. By exact name; `*`;
 * `*.suffix` wildcards by their suffix; concrete names by each of their endings that starts at a dot.
 */
export class ServerHostIndex<T extends { readonly host: Pick<ServerHost, "host"> }> {
  private readonly order = new Map<T, number>();
  private readonly exact = new Map<string, T[]>();
  private readonly stars: T[] = [];
  private readonly wildcardsBySuffix = new Map<string, T[]>();
  private readonly namesByEnding = new Map<string, T[]>();

  add(item: T): void {
    const host = item.host.host;
    this.order.set(item, this.order.size);
    file(this.exact, host, item);
    if (host === "*") this.stars.push(item);
    else if (host.startsWith("*.")) file(this.wildcardsBySuffix, host.slice(1), item);
    else if (!host.startsWith("*")) for (const ending of dotEndings(host)) file(this.namesByEnding, ending, item);
  }

  /** What was added whose host may overlap `host` (callers still ask serverHostsOverlap), in the order added. */
  candidates(host: string): T[] {
    if (host === "*") return [...this.order.keys()];
    const found = new Set<T>([...(this.exact.get(host) ?? []), ...this.stars]);
    if (host.startsWith("*.")) for (const t of this.namesByEnding.get(host.slice(1)) ?? []) found.add(t);
    else if (!host.startsWith("*")) for (const ending of dotEndings(host)) for (const t of this.wildcardsBySuffix.get(ending) ?? []) found.add(t);
    return [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }
}

/** `a.b.com`: `.b.com`, `.com` (and the whole name when it starts with a dot). */
function dotEndings(name: string): string[] {
  const out: string[] = [];
  for (let i = name.indexOf("."); i >= 0; i = name.indexOf(".", i + 1)) out.push(name.slice(i));
  return out;
}

function file<T>(map: Map<string, T[]>, key: string, item: T): void {
  const list = map.get(key);
  if (list) list.push(item);
  else map.set(key, [item]);
}

/** A Gateway's `spec.selector` (a plain label map); empty when absent. */
export const gatewaySelectorLabels = (gw: Resource): Readonly<Record<string, string>> => asStringMap(spec(gw).selector) ?? {};

/** A stable text for a label map (`app=x,istio=y`), to compare selectors. */
export const labelsKey = (labels: Readonly<Record<string, string>>): string =>
  Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

/** Whether every label of `a` is in `b` (an empty map is a subset of every map). */
export const isLabelSubset = (a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean =>
  Object.entries(a).every(([k, v]) => b[k] === v);

const truthy = (v: unknown): boolean => v === true || (typeof v === "string" && ["true", "1"].includes(v.toLowerCase()));

/**
 * istiod's PILOT_SCOPE_GATEWAY_TO_NAMESPACE, as the repository sets it: the env of an istiod Deployment, or an
 * IstioOperator's `values.pilot.env` / `components.pilot.k8s.env`. When on, a Gateway applies only to gateway
 * workloads in its own namespace. Read once per run.
 */
export function scopeGatewayToNamespace(index: ResourceIndex): boolean {
  return index.fact("istio/scope-gateway-to-namespace", GATEWAY_SCOPE_KINDS, (index) => {
    const fromEnv = (env: unknown) =>
      asArray(env).some((e) => asString(asObject(e)?.name) === "PILOT_SCOPE_GATEWAY_TO_NAMESPACE" && truthy(asObject(e)?.value));
    const istiod = index.all(K.Deployment).filter((d) => isLinted(d) && d.name.startsWith("istiod"));
    const deployments = istiod.some((d) => {
      const containers = asArray(asObject(asObject(asObject(spec(d).template)?.spec))?.containers);
      return containers.some((c) => fromEnv(asObject(c)?.env));
    });
    return (
      deployments ||
      index.all(ISTIO_OPERATOR).some((op) => {
        const s = spec(op);
        const values = asObject(asObject(asObject(s.values)?.pilot)?.env);
        return truthy(values?.PILOT_SCOPE_GATEWAY_TO_NAMESPACE) || fromEnv(asObject(asObject(asObject(s.components)?.pilot)?.k8s)?.env);
      })
    );
  });
}

/**
 * The workloads an Istio Gateway applies to: those its selector matches in any namespace (an empty selector
 * matches every workload), or only in its own namespace under PILOT_SCOPE_GATEWAY_TO_NAMESPACE.
 */
export function gatewayWorkloads(index: ResourceIndex, gw: Resource): readonly Workload[] {
  const selector: Selector = selectorFromLabels(gatewaySelectorLabels(gw));
  const workloads = index.workloads();
  return scopeGatewayToNamespace(index) ? workloads.select(selector, gw.namespace) : workloads.selectAnywhere(selector);
}

/**
 * A pod template that is an Istio gateway proxy rather than an application: only an `istio-proxy` container, or
 * the gateway injection template (`inject.istio.io/templates: gateway`, as the gateway Helm chart writes it).
 */
export function isGatewayProxy(w: Workload): boolean {
  if (w.containers.length > 0 && w.containers.every((c) => c.name === "istio-proxy")) return true;
  return (w.annotations["inject.istio.io/templates"] ?? "").split(",").some((t) => t.trim() === "gateway");
}

/** The implementation-generated Istio Gateway of a Gateway API listener (`<gw>~istio-autogenerated-k8s-gateway~<listener>`). */
export function isInternalGatewayReference(written: string): boolean {
  const name = written.slice(written.indexOf("/") + 1);
  return /[~-]istio-autogenerated-k8s-gateway[~-]/.test(name);
}
