import { HOST_KINDS, canonicalHost, namespaceOfFqdn } from "./hosts.js";
import { hostMatchesPattern } from "../model/hostnames.js";
import { K, type KindKey, sameKind } from "../model/kinds.js";
import { type FieldPath, type JsonObject, type Resource, asArray, asNumber, asObject, asString, byCreation, spec, isLinted } from "../model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../model/resource-index.js";
import { matches } from "../model/selectors.js";
import { type ServiceView, allServices, numericTargetPort, serviceByFqdn, servicesIn, targetPortOn, workloadsBehind } from "../model/services.js";
import type { Workload } from "../model/workloads.js";
import { appliedDestinationRules } from "./destination-rules.js";
import { mayBeInMesh } from "./injection.js";
import { type PodRef, policiesApplyingTo, policyTarget } from "./policy-targets.js";

// Istio's mutual TLS, per workload and port, from both ends of a connection:
// - the server side: PeerAuthentication at mesh (root namespace), namespace and workload level, `portLevelMtls`
//   keyed by the container port, UNSET inheriting from the level above, PERMISSIVE when nothing says otherwise;
// - the client side: the `tls` of the DestinationRule that applies (Istio's lookup order and exportTo), at top,
//   port and subset level, else auto mTLS (`enableAutoMtls`, on by default) or plaintext.

export type ServerMode = "STRICT" | "PERMISSIVE" | "DISABLE";
export type TlsMode = "DISABLE" | "SIMPLE" | "MUTUAL" | "ISTIO_MUTUAL";

/** Every kind the mTLS model reads; rules that use it declare these. */
export const MTLS_KINDS: readonly KindKey[] = [K.PeerAuthentication, K.DestinationRule, ...HOST_KINDS, ...WORKLOAD_KINDS];

/** The server mode of a workload port and what decided it. */
export interface ServerModeSource {
  readonly mode: ServerMode;
  /** The PeerAuthentication that set the mode; undefined for Istio's default (PERMISSIVE). */
  readonly policy: Resource | undefined;
  readonly level: "mesh" | "namespace" | "workload" | "port" | "default";
  /** The field that set it (`spec.mtls.mode`, `spec.portLevelMtls.8080.mode`). */
  readonly path: FieldPath;
}

/**
 * The oldest selector-less PeerAuthentication of a namespace (in the root namespace: the mesh policy). Read from
 * the namespace's own list, so that a change re-runs only the checks that asked about its namespace.
 */
function widePeerAuthentication(index: ResourceIndex, namespace: string): Resource | undefined {
  // Istio applies the oldest when several compete: creation time, then name (byCreation).
  return [...index.inNamespace(K.PeerAuthentication, namespace)].sort(byCreation).find((pa) => policyTarget(pa).kind !== "selector");
}

const SERVER_MODES = new Set(["STRICT", "PERMISSIVE", "DISABLE"]);
const TLS_MODES = new Set(["DISABLE", "SIMPLE", "MUTUAL", "ISTIO_MUTUAL"]);

/** `spec.mtls.mode` when it sets a mode (UNSET and absent inherit). */
export function peerAuthMode(pa: Resource): ServerMode | undefined {
  const mode = asString(asObject(spec(pa).mtls)?.mode);
  return mode && SERVER_MODES.has(mode) ? (mode as ServerMode) : undefined;
}

/** The `portLevelMtls` entries that set a mode, keyed by container port. */
export function portLevelModes(pa: Resource): { port: number; key: string; mode: ServerMode | undefined }[] {
  const levels = asObject(spec(pa).portLevelMtls);
  if (!levels) return [];
  return Object.entries(levels).flatMap(([key, value]) => {
    const port = Number(key);
    if (!/^\d+$/.test(key.trim()) || !Number.isInteger(port)) return [];
    const mode = asString(asObject(value)?.mode);
    return [{ port, key, mode: mode && SERVER_MODES.has(mode) ? (mode as ServerMode) : undefined }];
  });
}

/** The mesh-wide PeerAuthentication (selector-less, root namespace). */
export const meshPeerAuthentication = (index: ResourceIndex): Resource | undefined =>
  widePeerAuthentication(index, index.settings.rootNamespace);

/** The namespace-wide PeerAuthentication of a namespace other than the root namespace. */
export const namespacePeerAuthentication = (index: ResourceIndex, namespace: string): Resource | undefined =>
  namespace === index.settings.rootNamespace ? undefined : widePeerAuthentication(index, namespace);

/**
 * The workload-level PeerAuthentications that select a pod, oldest first (creation time, then name): Istio applies
 * the first and ignores the others. Istio never applies a root-namespace PeerAuthentication with a selector
 * (ComposePeerAuthentication leaves workload-level policies of the root namespace out), so a pod of the root
 * namespace has none.
 */
export function workloadPeerAuthentications(index: ResourceIndex, pod: PodRef): Resource[] {
  if (pod.namespace === index.settings.rootNamespace) return [];
  return policiesApplyingTo(index, K.PeerAuthentication, pod).filter((pa) => policyTarget(pa).kind === "selector").sort(byCreation);
}

/** The workload-level PeerAuthentication Istio applies to a pod (the oldest when several select it). */
export const workloadPeerAuthentication = (index: ResourceIndex, pod: PodRef): Resource | undefined => workloadPeerAuthentications(index, pod)[0];

/**
 * The mode a pod's sidecar accepts on a container port (or on the workload as a whole when `port` is undefined),
 * composed the way Istio composes it: mesh, then namespace, then workload, then the workload's port level; a level
 * that leaves the mode UNSET inherits from the one above; nothing at all is PERMISSIVE.
 */
export function serverMode(index: ResourceIndex, pod: PodRef, port?: number): ServerModeSource {
  let result: ServerModeSource = { mode: "PERMISSIVE", policy: undefined, level: "default", path: [] };
  const mesh = meshPeerAuthentication(index);
  const meshMode = mesh && peerAuthMode(mesh);
  if (mesh && meshMode) result = { mode: meshMode, policy: mesh, level: "mesh", path: MODE_PATH };
  const ns = namespacePeerAuthentication(index, pod.namespace);
  const nsMode = ns && peerAuthMode(ns);
  if (ns && nsMode) result = { mode: nsMode, policy: ns, level: "namespace", path: MODE_PATH };
  const workload = workloadPeerAuthentication(index, pod);
  if (workload) {
    const mode = peerAuthMode(workload);
    if (mode) result = { mode, policy: workload, level: "workload", path: MODE_PATH };
    const level = port === undefined ? undefined : portLevelModes(workload).find((p) => p.port === port);
    if (level?.mode) result = { mode: level.mode, policy: workload, level: "port", path: ["spec", "portLevelMtls", level.key, "mode"] };
  }
  return result;
}

const MODE_PATH: FieldPath = ["spec", "mtls", "mode"];

/** A DestinationRule's TLS mode for traffic to one port and subset, and the field that set it. */
export interface TlsSetting {
  /** Undefined when no TLS is set for that port and subset (the client uses auto mTLS, or plaintext without it). */
  readonly mode: TlsMode | undefined;
  /** The `tls` field that decided, when one did. */
  readonly path: FieldPath | undefined;
}

/**
 * Istio's merge of a DestinationRule's traffic policies (MergeTrafficPolicy): the top-level policy, replaced as a
 * whole by a port-level setting for the port (which does not inherit: a port-level setting without `tls` has no
 * TLS), then the subset's own `tls`, then the subset's port-level setting for the port, again as a whole.
 */
export function tlsSetting(dr: Resource, port: number | undefined, subset: string | undefined): TlsSetting {
  return subsetTls(dr, port, subset, baseTls(dr, port));
}

/** The top-level traffic policy's TLS for a port (a port-level setting replaces it as a whole). */
export const baseTls = (dr: Resource, port: number | undefined): TlsSetting =>
  fromPolicy(asObject(spec(dr).trafficPolicy), ["spec", "trafficPolicy"], port);

/** A subset's TLS over a base: the subset's own `tls`, then its port-level setting for the port. */
function subsetTls(dr: Resource, port: number | undefined, subset: string | undefined, base: TlsSetting): TlsSetting {
  if (subset === undefined) return base;
  const subsets = asArray(spec(dr).subsets);
  const index = subsets.findIndex((x) => asString(asObject(x)?.name) === subset);
  const policy = asObject(asObject(subsets[index])?.trafficPolicy);
  if (index < 0 || !policy) return base;
  const path: FieldPath = ["spec", "subsets", index, "trafficPolicy"];
  const own = tlsOf(policy, path);
  return portLevel(policy, path, port) ?? (own.path ? own : base);
}

function fromPolicy(policy: JsonObject | undefined, base: FieldPath, port: number | undefined): TlsSetting {
  if (!policy) return { mode: undefined, path: undefined };
  return portLevel(policy, base, port) ?? tlsOf(policy, base);
}

function portLevel(policy: JsonObject, base: FieldPath, port: number | undefined): TlsSetting | undefined {
  if (port === undefined) return undefined;
  const i = asArray(policy.portLevelSettings).findIndex((p) => asNumber(asObject(asObject(p)?.port)?.number) === port);
  if (i < 0) return undefined;
  return tlsOf(asObject(asArray(policy.portLevelSettings)[i]) ?? {}, [...base, "portLevelSettings", i]);
}

function tlsOf(holder: JsonObject, base: FieldPath): TlsSetting {
  const tls = asObject(holder.tls);
  if (!tls) return { mode: undefined, path: undefined };
  const mode = asString(tls.mode) ?? "DISABLE";
  return { mode: TLS_MODES.has(mode) ? (mode as TlsMode) : undefined, path: [...base, "tls", "mode"] };
}

/** Every TLS mode field a DestinationRule writes (top, port level, subsets and their port levels). */
export function tlsFields(dr: Resource): { mode: TlsMode; path: FieldPath; port: number | undefined; subset: string | undefined }[] {
  const out: { mode: TlsMode; path: FieldPath; port: number | undefined; subset: string | undefined }[] = [];
  const visit = (policy: JsonObject | undefined, base: FieldPath, subset: string | undefined) => {
    if (!policy) return;
    const top = tlsOf(policy, base);
    if (top.mode && top.path) out.push({ mode: top.mode, path: top.path, port: undefined, subset });
    asArray(policy.portLevelSettings).forEach((p, i) => {
      const port = asNumber(asObject(asObject(p)?.port)?.number);
      const level = tlsOf(asObject(p) ?? {}, [...base, "portLevelSettings", i]);
      if (level.mode && level.path && port !== undefined) out.push({ mode: level.mode, path: level.path, port, subset });
    });
  };
  const s = spec(dr);
  visit(asObject(s.trafficPolicy), ["spec", "trafficPolicy"], undefined);
  asArray(s.subsets).forEach((x, i) => {
    const name = asString(asObject(x)?.name);
    if (name) visit(asObject(asObject(x)?.trafficPolicy), ["spec", "subsets", i, "trafficPolicy"], name);
  });
  return out;
}

/** What a client sidecar does towards one host, port and subset. */
export interface ClientTls {
  /** The DestinationRule's TLS mode; undefined when none applies or it sets no TLS for that traffic. */
  readonly mode: TlsMode | undefined;
  /** The DestinationRule that applies (the first, when several for one host are merged). */
  readonly rule: Resource | undefined;
  readonly path: FieldPath | undefined;
}

/**
 * The client TLS from `fromNamespace` towards `host` (an FQDN), found with Istio's DestinationRule lookup. Several
 * DestinationRules for one host are merged by Istio: subsets from all, the traffic policy of the first.
 */
export function clientTls(
  index: ResourceIndex,
  host: string,
  fromNamespace: string,
  hostNamespaces: readonly string[],
  port: number | undefined,
  subset: string | undefined,
): ClientTls {
  index.fact("istio/mtls-reads", MTLS_KINDS, () => true);
  const applied = appliedDestinationRules(index, host, fromNamespace, hostNamespaces);
  const first = applied.rules[0];
  if (!first) return { mode: undefined, rule: undefined, path: undefined };
  const base = baseTls(first, port);
  const owner = subset === undefined ? first : (applied.rules.find((r) => hasSubset(r, subset)) ?? first);
  const setting = subsetTls(owner, port, subset, base);
  return { mode: setting.mode, rule: setting.path && setting.path[1] === "subsets" ? owner : first, path: setting.path };
}

const hasSubset = (dr: Resource, subset: string): boolean =>
  asArray(spec(dr).subsets).some((s) => asString(asObject(s)?.name) === subset);

/** `enableAutoMtls` from the mesh config (Istio's default: on). */
export const autoMtlsEnabled = (index: ResourceIndex): boolean => index.settings.meshConfig.enableAutoMtls !== false;

/** What a connection carries: Istio mutual TLS, plaintext, or TLS the client originates itself (SIMPLE/MUTUAL). */
export type Transport = "mtls" | "plaintext" | "tls";

export interface Connection {
  readonly client: ClientTls;
  readonly server: ServerModeSource;
  readonly transport: Transport;
  /** True when auto mTLS chose the transport (no DestinationRule sets TLS). */
  readonly auto: boolean;
  /** Whether the server's sidecar accepts the connection. */
  readonly accepted: boolean;
}

export interface ConnectionEnds {
  readonly fromNamespace: string;
  /** Whether the client has a sidecar (without one, nothing originates mTLS). */
  readonly sourceInMesh: boolean;
  /** The host called (an FQDN) and the namespaces of its Services, for the DestinationRule lookup. */
  readonly host: string;
  readonly hostNamespaces: readonly string[];
  /** The Service port called (DestinationRule port-level settings name it). */
  readonly servicePort: number | undefined;
  readonly subset?: string | undefined;
  readonly pod: PodRef;
  /** Whether the server pod has a sidecar. */
  readonly targetInMesh: boolean;
  /** The container port (PeerAuthentication port-level settings name it). */
  readonly targetPort: number | undefined;
}

/** The transport between a client and a server pod, and whether the server accepts it. */
export function connection(index: ResourceIndex, ends: ConnectionEnds): Connection {
  const server = serverMode(index, ends.pod, ends.targetPort);
  const client = ends.sourceInMesh
    ? clientTls(index, ends.host, ends.fromNamespace, ends.hostNamespaces, ends.servicePort, ends.subset)
    : { mode: undefined, rule: undefined, path: undefined };
  let transport: Transport;
  let auto = false;
  if (!ends.sourceInMesh) transport = "plaintext";
  else if (client.mode === "ISTIO_MUTUAL") transport = "mtls";
  else if (client.mode === "SIMPLE" || client.mode === "MUTUAL") transport = "tls";
  else if (client.mode === "DISABLE") transport = "plaintext";
  else {
    auto = true;
    // Auto mTLS sends mutual TLS to endpoints with a sidecar, except where PeerAuthentication disables it.
    transport = autoMtlsEnabled(index) && ends.targetInMesh && server.mode !== "DISABLE" ? "mtls" : "plaintext";
  }
  const accepted = !ends.targetInMesh
    ? transport !== "mtls"
    : server.mode === "STRICT"
      ? transport === "mtls"
      : server.mode === "DISABLE"
        ? transport !== "mtls"
        : true;
  return { client, server, transport, auto, accepted };
}

/** A server endpoint that traffic to a host reaches: a pod (or, without workloads in the repository, its labels). */
export interface ServerTarget {
  readonly pod: PodRef;
  readonly workload: Workload | undefined;
  /** The Service behind the host, when there is one. */
  readonly service: ServiceView | undefined;
  /** Service port → container port, for the ports known (empty: the workload as a whole). */
  readonly ports: readonly { readonly servicePort: number | undefined; readonly targetPort: number | undefined }[];
  readonly inMesh: boolean;
  /** The host called, when it is not the Service's own name (a DestinationRule host without a Service here). */
  readonly host?: string;
}

/** A name no Service has: the host of "some Service in namespace X", which only wildcard DestinationRules match. */
export const ANY_SERVICE = "_";

/**
 * The servers behind a DestinationRule-style host written in `namespace`: the workloads its Services select (per
 * port); without workloads in the repository, a pod carrying the Service's selector labels; for a wildcard host
 * (`*.ns.svc.cluster.local`, `*.local`), each namespace it covers that has no Service here, as a pod with no labels.
 * External hosts (ServiceEntries, names outside the cluster domain) have no servers in the mesh.
 */
export function serverTargets(index: ResourceIndex, host: string): ServerTarget[] {
  const domain = index.settings.clusterDomain;
  if (!host.startsWith("*")) {
    const service = serviceByFqdn(index, host);
    if (service) return serviceTargets(index, service);
    const ns = namespaceOfFqdn(index, host);
    return ns ? [{ ...namespaceTarget(ns), host }] : [];
  }
  const out: ServerTarget[] = [];
  const covered = new Set<string>();
  // A namespace-wide host needs only that namespace's Services.
  const ns = namespaceWideNamespace(index, host);
  const candidates = ns === undefined ? allServices(index).filter((s) => serviceByFqdn(index, s.fqdn) === s) : servicesIn(index, ns);
  for (const service of candidates) {
    if (!hostMatchesPattern(service.fqdn, host)) continue;
    out.push(...serviceTargets(index, service));
    covered.add(service.namespace);
  }
  // The root namespace holds the control plane, not services a DestinationRule or PeerAuthentication is written for.
  // A namespace-wide host can only cover its own namespace (or a malformed one with a dot in its name), so only
  // those are tried: one PeerAuthentication per namespace must not cost a pass over every namespace.
  const namespaces = ns === undefined ? repositoryNamespaces(index) : namespacesMatching(index, ns);
  for (const candidate of namespaces) {
    if (candidate === index.settings.rootNamespace || covered.has(candidate)) continue;
    if (hostMatchesPattern(`${ANY_SERVICE}.${candidate}.svc.${domain}`, host)) out.push(namespaceTarget(candidate));
  }
  return out;
}

/** The repository's namespaces a namespace-wide host of `ns` may cover: `ns` itself and, rarely, names with a dot. */
function namespacesMatching(index: ResourceIndex, ns: string): readonly string[] {
  const all = repositoryNamespaces(index);
  const dotted = index.memo("istio/mtls-dotted-namespaces", [], () => repositoryNamespaces(index).filter((n) => n.includes(".")));
  const own = index.memo("istio/mtls-repository-namespace-set", [], () => new Set(repositoryNamespaces(index)));
  if (dotted.length === 0) return own.has(ns) ? [ns] : [];
  // In the order repositoryNamespaces gives, as the scan over all of them did.
  return all.filter((n) => n === ns || dotted.includes(n));
}

const namespaceTarget = (namespace: string): ServerTarget => ({
  pod: { namespace, labels: {} },
  workload: undefined,
  service: undefined,
  ports: [],
  inMesh: true,
});

/** The pods a Service selects, with each Service port's container port; its selector as a pod when none is here. */
export function serviceTargets(index: ResourceIndex, service: ServiceView): ServerTarget[] {
  const behind = workloadsBehind(index, service);
  const workloads = behind.filter((w) => isLinted(w.resource) && !isGatewayWorkload(w));
  if (workloads.length === 0) {
    if (behind.length) return [];
    const ports = service.ports.map((p) => ({ servicePort: p.number, targetPort: numericTargetPort(p) }));
    return [{ pod: { namespace: service.namespace, labels: service.selector }, workload: undefined, service, ports, inMesh: true }];
  }
  return workloads.map((w) => ({
    pod: { namespace: w.namespace, labels: w.labels },
    workload: w,
    service,
    ports: service.ports.map((p) => ({ servicePort: p.number, targetPort: targetPortOn(p, w) })),
    inMesh: mayBeInMesh(index, w),
  }));
}

/**
 * A gateway's pods (an Istio or Gateway API gateway deployment): their listeners are not sidecar inbound ports, so
 * PeerAuthentication and DestinationRule TLS towards them are not judged here.
 */
export const isGatewayWorkload = (w: Workload): boolean =>
  w.labels["gateway.networking.k8s.io/gateway-name"] !== undefined ||
  w.labels.istio === "ingressgateway" ||
  w.labels.istio === "egressgateway" ||
  (w.containers.length > 0 && w.containers.every((c) => c.name === "istio-proxy"));

/** Namespaces the repository itself uses or declares (installation namespaces only when the repository uses them). */
export function repositoryNamespaces(index: ResourceIndex): readonly string[] {
  // A union: a change asks only the changed objects, and only a new or vanished namespace re-runs the checks.
  return index.memo("istio/mtls-repository-namespaces", [], () => {
    const names = index.union("istio/mtls-repository-namespace-names", MTLS_KINDS, (r) => {
      if (!isLinted(r)) return [];
      if (r.kind === "Namespace" && r.group === "") return [r.name];
      return r.namespace ? [r.namespace] : [];
    });
    return [...names].sort();
  });
}

/** Kiali's "mesh-wide" DestinationRule host: `*.local`, whatever namespace it is in. */
export const isMeshWideHost = (host: string | undefined): boolean => host === "*.local";

/** The namespace of a namespace-wide host (`*.<namespace>.svc.<cluster domain>`), or undefined. */
function namespaceWideNamespace(index: ResourceIndex, host: string): string | undefined {
  if (!host.startsWith("*.")) return undefined;
  const ns = namespaceOfFqdn(index, `any${host.slice(1)}`);
  return ns && !ns.includes("*") ? ns : undefined;
}

/** Kiali's "namespace-wide" DestinationRule host: `*.<its own namespace>.svc.<cluster domain>`. */
export const isNamespaceWideHost = (index: ResourceIndex, dr: Resource): boolean =>
  asString(spec(dr).host) === `*.${dr.namespace}.svc.${index.settings.clusterDomain}`;

/** DestinationRules with a mesh-wide or namespace-wide host: the mTLS defaults Kiali reasons about. Built once per run. */
export function wideDestinationRules(index: ResourceIndex): readonly Resource[] {
  return index
    .table("istio/wide-destination-rules", [K.DestinationRule], (dr, index) =>
      isMeshWideHost(asString(spec(dr).host)) || isNamespaceWideHost(index, dr) ? [["", dr] as const] : [],
    )
    .get("");
}

/** The top-level `trafficPolicy.tls.mode` of a DestinationRule. */
export const topTlsMode = (dr: Resource): TlsMode | undefined => tlsOf(asObject(spec(dr).trafficPolicy) ?? {}, []).mode;

/**
 * Namespaces a caller may sit in when it calls a host, for rules that must consider every client: the target's
 * own namespace, each namespace holding DestinationRules, and one standing for every other namespace (which holds
 * none, and sees only what is exported everywhere).
 */
export function callerNamespaces(index: ResourceIndex, targetNamespace: string, host: string): readonly string[] {
  // A namespace matters only if it holds a DestinationRule for the host: the others find what ELSEWHERE finds.
  const table = index.memo("istio/mtls-dr-namespaces", MTLS_KINDS, () => {
    const exact = new Map<string, Set<string>>();
    const wildcard: { pattern: string; namespace: string }[] = [];
    for (const dr of index.all(K.DestinationRule)) {
      const written = asString(spec(dr).host);
      if (!written) continue;
      if (written.startsWith("*")) wildcard.push({ pattern: written.toLowerCase(), namespace: dr.namespace });
      else {
        const h = canonicalHost(index, written, dr.namespace);
        const set = exact.get(h) ?? new Set<string>();
        set.add(dr.namespace);
        exact.set(h, set);
      }
    }
    return { exact, wildcard };
  });
  const out = new Set([targetNamespace, ...(table.exact.get(host) ?? [])]);
  for (const w of table.wildcard) if (hostMatchesPattern(host, w.pattern)) out.add(w.namespace);
  out.add(ELSEWHERE);
  return [...out];
}

/** Stands for "a namespace with no DestinationRule of its own" (not a valid namespace name). */
export const ELSEWHERE = "\u0000elsewhere";

/** Whether a caller namespace from callerNamespaces is a real one. */
export const isRealNamespace = (ns: string): boolean => ns !== ELSEWHERE;

/** The host of a server target as the DestinationRule lookup sees it, and its Services' namespaces. */
export function targetHost(index: ResourceIndex, target: ServerTarget): { host: string; namespaces: readonly string[] } {
  const domain = index.settings.clusterDomain;
  if (target.host) return { host: target.host, namespaces: [target.pod.namespace] };
  if (target.service) return { host: target.service.fqdn, namespaces: [target.service.namespace] };
  return { host: `${ANY_SERVICE}.${target.pod.namespace}.svc.${domain}`, namespaces: [target.pod.namespace] };
}

/** A server port a PeerAuthentication decides, and the mode it gives. */
export interface DecidedPort {
  readonly target: ServerTarget;
  readonly servicePort: number | undefined;
  readonly targetPort: number | undefined;
  readonly mode: ServerModeSource;
}

/**
 * The server ports whose mode a PeerAuthentication decides (it is the policy that sets their effective mode): for
 * a mesh policy every namespace of the repository, for a namespace policy its namespace, for a workload policy the
 * pods it selects (or, without workloads in the repository, a pod carrying its selector labels).
 */
export function decidedPorts(index: ResourceIndex, pa: Resource): DecidedPort[] {
  const domain = index.settings.clusterDomain;
  const root = index.settings.rootNamespace;
  const target = policyTarget(pa);
  const namespaces = target.kind === "namespace" && pa.namespace === root ? repositoryNamespaces(index) : [pa.namespace];
  let targets = namespaces.flatMap((ns) => [...serverTargets(index, `*.${ns}.svc.${domain}`), ...unservedHosts(index, ns)]);
  if (target.kind === "selector") {
    targets = targets.filter((t) => matches(target.selector, t.pod.labels));
    if (targets.length === 0) {
      targets = [{ pod: { namespace: pa.namespace, labels: target.selector.matchLabels }, workload: undefined, service: undefined, ports: [], inMesh: true }];
    }
  }
  const out: DecidedPort[] = [];
  for (const t of targets) {
    if (!t.inMesh) continue;
    const ports = t.ports.length ? t.ports : [{ servicePort: undefined, targetPort: undefined }];
    const extra = portLevelModes(pa).filter((p) => !ports.some((q) => q.targetPort === p.port)).map((p) => ({ servicePort: undefined, targetPort: p.port }));
    for (const p of target.kind === "selector" && t.workload === undefined ? [...ports, ...extra] : ports) {
      const mode = serverMode(index, t.pod, p.targetPort);
      if (mode.policy === pa) out.push({ target: t, servicePort: p.servicePort, targetPort: p.targetPort, mode });
    }
  }
  return out;
}

/** A port a PeerAuthentication decides, a caller namespace, and the client TLS that caller uses towards it. */
export interface PortClient {
  readonly decided: DecidedPort;
  readonly caller: string;
  readonly client: ClientTls;
}

/**
 * For each mode field of a PeerAuthentication that gives `mode` to some port, the first caller namespace whose
 * client TLS towards that port `conflicts` flags (one finding per field, however many ports it decides).
 */
export function conflictingClients(index: ResourceIndex, pa: Resource, mode: ServerMode, conflicts: (client: ClientTls) => boolean): PortClient[] {
  const out: PortClient[] = [];
  const seen = new Set<string>();
  for (const decided of decidedPorts(index, pa)) {
    const key = decided.mode.path.join(".");
    if (decided.mode.mode !== mode || seen.has(key)) continue;
    const { host, namespaces } = targetHost(index, decided.target);
    for (const caller of callerNamespaces(index, decided.target.pod.namespace, host)) {
      const client = clientTls(index, host, caller, namespaces, decided.servicePort, undefined);
      if (!conflicts(client)) continue;
      seen.add(key);
      out.push({ decided, caller, client });
      break;
    }
  }
  return out;
}

/** Hosts of a namespace that DestinationRules name exactly but no Service here defines (kept elsewhere). */
function unservedHosts(index: ResourceIndex, namespace: string): ServerTarget[] {
  // Filed per DestinationRule under the host's namespace: a change re-files only its own rule.
  const hosts = index
    .table("istio/mtls-unserved-hosts", [K.DestinationRule, ...HOST_KINDS], (dr, index) => {
      if (!sameKind(K.DestinationRule, dr)) return [];
      const written = asString(spec(dr).host);
      if (!written || written.startsWith("*")) return [];
      const host = canonicalHost(index, written, dr.namespace);
      const ns = namespaceOfFqdn(index, host);
      return !ns || serviceByFqdn(index, host) ? [] : [[ns, host] as const];
    })
    .get(namespace);
  return [...new Set(hosts)].map((host) => ({ ...namespaceTarget(namespace), host }));
}

/** `Deployment "ns/name" port 8080`, `Service "ns/name"`, `namespace "ns"`: a server target, for messages. */
export function describeTarget(t: ServerTarget, targetPort?: number): string {
  const port = targetPort === undefined ? "" : ` port ${targetPort}`;
  if (t.workload) return `${t.workload.resource.kind} "${t.workload.namespace}/${t.workload.resource.name}"${port}`;
  if (t.service) return `Service "${t.service.namespace}/${t.service.name}"${port}`;
  if (t.host) return `host "${t.host}"`;
  if (Object.keys(t.pod.labels).length) return `pods labelled ${Object.entries(t.pod.labels).map(([k, v]) => `${k}=${v}`).join(",")} in namespace "${t.pod.namespace}"${port}`;
  return `namespace "${t.pod.namespace}"`;
}

/** `ns/name`, for messages. */
export const qualified = (r: Resource): string => `${r.namespace}/${r.name}`;

/** `namespace "x"`, or the namespaces ELSEWHERE stands for, for messages. */
export const callerText = (caller: string): string => (isRealNamespace(caller) ? `namespace "${caller}"` : "namespaces without a DestinationRule of their own");
