import { AUTHZ_KINDS, principalOf } from "../istio/authz.js";
import { istioAccessEngine } from "./istio.js";
import { LINKERD_ACCESS_KINDS, linkerdAccessEngine } from "./linkerd.js";
import { MTLS_KINDS } from "../istio/mtls.js";
import { mayBeInMesh, namespaceDataplane } from "../istio/injection.js";
import { declaresNamespace } from "../model/evidence.js";
import { type IstioProtocol, portProtocol, servicePortProtocol } from "../istio/protocols.js";
import { K, type KindKey } from "../model/kinds.js";
import { type SourceSpan, displayName } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type ServiceView, numericTargetPort, serviceNamed, servicesSelecting, targetPortOn, workloadsBehind } from "../model/services.js";
import type { Workload } from "../model/workloads.js";
import { didYouMean, nearest } from "../base/suggest.js";

import {
  type AccessDecision,
  type AccessEngine,
  AccessError,
  type AccessRequest,
  type AccessSourceRef,
  type AccessTargetRef,
  type Backend,
  type Decider,
  type ResolvedSource,
  type ResolvedTarget,
} from "./types.js";

export * from "./types.js";

/** Engines in order of preference; the first that handles a target decides. */
export const ACCESS_ENGINES: readonly AccessEngine[] = [linkerdAccessEngine, istioAccessEngine];

/** `NAMESPACE/sa/SERVICEACCOUNT`. */
export function parseSource(text: string): AccessSourceRef {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/sa\/([^/\s]+)$/.exec(text.trim());
  if (!m?.[1] || !m[3]) throw new AccessError(`a source is written NAMESPACE/sa/SERVICEACCOUNT, not "${text}"`, "source");
  return { namespace: m[1], serviceAccount: m[3] };
}

const TARGET_FORMS = "NAMESPACE/NAME[:PORT] (a Service or a workload) or a Service's host NAME.NAMESPACE[.svc[.DOMAIN]][:PORT]";

/** `NAMESPACE/NAME[:PORT]` or `NAME.NAMESPACE[.svc[.DOMAIN]][:PORT]`, where PORT is a number or a port's name. */
export function parseTarget(text: string): AccessTargetRef {
  const m = /^(?:([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/)?([^/:\s]+)(?::([^/:\s]+))?$/.exec(text.trim());
  if (!m?.[3]) throw new AccessError(`a target is written ${TARGET_FORMS}, not "${text}"`, "target");
  const [, namespace, , name, portText] = m;
  const port = portText === undefined ? {} : portOf(portText, text);
  const host = hostOf(name);
  if (namespace === undefined) {
    if (!host) throw new AccessError(`a target is written ${TARGET_FORMS}, not "${text}"`, "target");
    return { namespace: host.namespace, name: host.name, port: undefined, ...port, host };
  }
  // A workload's name may hold dots: NAMESPACE/a.b is that name first, the host a.b second.
  return { namespace, name, port: undefined, ...port, ...(host?.namespace === namespace ? { host } : {}) };
}

function portOf(text: string, target: string): { port: number } | { portName: string } {
  if (/^\d{1,5}$/.test(text)) {
    const port = Number(text);
    if (port < 1 || port > 65535) throw new AccessError(`port ${port} is out of range in "${target}"`, "target");
    return { port };
  }
  if (/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/i.test(text)) return { portName: text };
  throw new AccessError(`a port is a number or a port's name, not "${text}" in "${target}"`, "target");
}

/** `name.namespace`, `name.namespace.svc` or `name.namespace.svc.<domain>`: the Service it names. */
function hostOf(text: string): AccessTargetRef["host"] {
  const [name, namespace, svc, ...domain] = text.split(".");
  if (!name || !namespace || (svc !== undefined && svc !== "svc") || (svc === undefined && domain.length) || domain.some((d) => !d)) return undefined;
  return { text, namespace, name };
}

export const formatSource = (s: AccessSourceRef): string => `${s.namespace}/sa/${s.serviceAccount}`;
export const formatTarget = (t: AccessTargetRef): string => {
  const port = t.port !== undefined ? `:${t.port}` : t.portName !== undefined ? `:${t.portName}` : "";
  return `${t.namespace}/${t.name}${port}`;
};

/** The caller: workloads running as the service account, or a declared ServiceAccount, or a namespace's `default`. */
export function resolveSource(index: ResourceIndex, ref: AccessSourceRef): ResolvedSource {
  const workloads = index.workloads().inNamespace(ref.namespace).filter((w) => w.serviceAccount === ref.serviceAccount);
  const declared = index.get(K.ServiceAccount, ref.namespace, ref.serviceAccount);
  const namespaceKnown = index.namespaces().exists(ref.namespace);
  if (workloads.length === 0 && !declared && !(ref.serviceAccount === "default" && namespaceKnown)) {
    if (!namespaceKnown) throw unknownNamespace(index, `source "${formatSource(ref)}"`, ref.namespace);
    const accounts = new Set([...index.workloads().inNamespace(ref.namespace).map((w) => w.serviceAccount), ...index.inNamespace(K.ServiceAccount, ref.namespace).map((r) => r.name)]);
    throw new AccessError(
      `unknown source "${formatSource(ref)}": no workload runs as service account "${ref.serviceAccount}" in namespace "${ref.namespace}", and no ServiceAccount of that name is declared${suggestion(ref.serviceAccount, accounts, (sa) => formatSource({ ...ref, serviceAccount: sa }))}`,
      "source",
    );
  }
  const inMesh = workloads.length ? workloads.some((w) => mayBeInMesh(index, w)) : namespaceInMesh(index, ref.namespace);
  return { ...ref, workloads, inMesh, principal: principalOf(index, ref.namespace, ref.serviceAccount) };
}

/** A namespace whose labels the repository does not show is taken to be in the mesh. */
function namespaceInMesh(index: ResourceIndex, namespace: string): boolean {
  if (!declaresNamespace(index, namespace)) return true;
  const ns = namespaceDataplane(index, namespace);
  return ns.injectionLabel === true || ns.ambient || (ns.injectionLabel === undefined && ns.revision !== undefined);
}

/** The target: a Service (its selected workloads) or a workload, and the port called. */
export function resolveTarget(index: ResourceIndex, ref: AccessTargetRef): ResolvedTarget {
  const host = ref.host;
  // NAMESPACE/NAME names a Service or a workload (whose name may hold dots); a host names only a Service.
  if (!host || ref.name !== host.name) {
    const service = serviceNamed(index, ref.namespace, ref.name);
    if (service) return serviceTarget(index, service, ref);
    const workload = index.workloads().inNamespace(ref.namespace).find((w) => w.resource.name === ref.name);
    if (workload) return workloadTarget(index, workload, ref);
  }
  const named = host && serviceNamed(index, host.namespace, host.name);
  if (host && named) {
    // Any name the Service is called by, with the cluster's domain (settings.clusterDomain) in a full one.
    if (!serviceNames(named).includes(host.text)) {
      throw new AccessError(`unknown target "${host.text}": Service ${named.namespace}/${named.name} is called ${named.fqdn} (the cluster's domain is set by settings.clusterDomain)`, "target");
    }
    return serviceTarget(index, named, { ...ref, namespace: host.namespace, name: host.name });
  }
  if (!index.namespaces().exists(ref.namespace)) throw unknownNamespace(index, `target "${host?.text ?? formatTarget(ref)}"`, ref.namespace);
  const names = new Set([...index.inNamespace(K.Service, ref.namespace).map((r) => r.name), ...index.workloads().inNamespace(ref.namespace).map((w) => w.resource.name)]);
  throw new AccessError(
    `unknown target "${host?.text ?? formatTarget(ref)}": namespace "${ref.namespace}" has no Service or workload named "${ref.name}"${suggestion(ref.name, names, (n) => formatTarget({ ...ref, name: n }))}`,
    "target",
  );
}

function unknownNamespace(index: ResourceIndex, what: string, namespace: string): AccessError {
  const near = nearest(namespace, index.namespaces().names);
  const hint = near === undefined ? "" : ` (did you mean namespace "${near}"?)`;
  return new AccessError(`unknown ${what}: namespace "${namespace}" does not appear in the repository${hint}`, what.startsWith("source") ? "source" : "target");
}

/** ` (did you mean "x"?)` with the nearest name written as the user would write it, or nothing. */
function suggestion(typed: string, names: Iterable<string>, write: (name: string) => string): string {
  const near = nearest(typed, names);
  return near === undefined ? "" : ` (did you mean "${write(near)}"?)`;
}

/** The port a target names by number or by name, or an error naming the ports there are. */
function namedPort<P>(ref: AccessTargetRef, ports: readonly P[], numberOf: (p: P) => number, nameOf: (p: P) => string | undefined, owner: string): P | undefined {
  if (ref.port === undefined && ref.portName === undefined) return undefined;
  const port = ports.find((p) => (ref.portName === undefined ? numberOf(p) === ref.port : nameOf(p) === ref.portName));
  if (port) return port;
  const listed = ports.map((p) => (nameOf(p) ? `${numberOf(p)} (${nameOf(p)})` : String(numberOf(p)))).join(", ") || "none";
  const hint = ref.portName === undefined ? "" : didYouMean(ref.portName, ports.flatMap((p) => nameOf(p) ?? []));
  throw new AccessError(`unknown target "${formatTarget(ref)}": ${owner} has no port ${ref.portName ?? ref.port}${hint} (ports: ${listed})`, "target");
}

function serviceTarget(index: ResourceIndex, service: ServiceView, ref: AccessTargetRef): ResolvedTarget {
  const ports = service.ports;
  let port = namedPort(ref, ports, (p) => p.number, (p) => p.name, `Service ${service.namespace}/${service.name}`);
  if (!port && ports.length > 1) {
    throw new AccessError(`Service ${service.namespace}/${service.name} has several ports (${ports.map((p) => p.number).join(", ")}): name one, as in ${service.namespace}/${service.name}:${ports[0]?.number}`, "target");
  }
  port ??= ports[0];
  const protocol: IstioProtocol = port ? servicePortProtocol(port) : "unknown";
  const workloads = workloadsBehind(index, service);
  const backends: Backend[] = workloads.length
    ? workloads.map((w) => ({ workload: w, namespace: w.namespace, labels: w.labels, containerPort: port ? targetPortOn(port, w) : undefined, protocol }))
    : [{ workload: undefined, namespace: service.namespace, labels: service.selector, containerPort: port ? numericTargetPort(port) : undefined, protocol }];
  const fqdn = service.fqdn;
  const names = serviceNames(service);
  return {
    kind: "Service",
    resource: service.resource,
    namespace: service.namespace,
    name: service.name,
    port: port?.number,
    backends,
    hosts: port ? [...names, ...names.map((n) => `${n}:${port?.number}`)] : names,
    fqdn,
  };
}

/** The names a Service is called by from inside the cluster: short, `name.ns`, `name.ns.svc` and its FQDN. */
const serviceNames = (s: ServiceView): string[] => [s.name, `${s.name}.${s.namespace}`, `${s.name}.${s.namespace}.svc`, s.fqdn];

function workloadTarget(index: ResourceIndex, workload: Workload, ref: AccessTargetRef): ResolvedTarget {
  const declared = workload.containers.flatMap((c) => c.ports);
  // A port number need not be declared (containers listen on undeclared ports); a port name must be.
  const byName = ref.portName === undefined ? undefined : namedPort(ref, declared, (p) => p.containerPort, (p) => p.name, displayName(workload.resource));
  if (ref.port === undefined && !byName && declared.length > 1) {
    throw new AccessError(`${displayName(workload.resource)} has several container ports (${declared.map((p) => p.containerPort).join(", ")}): name one, as in ${ref.namespace}/${ref.name}:${declared[0]?.containerPort}`, "target");
  }
  const port = ref.port ?? byName?.containerPort ?? declared[0]?.containerPort;
  // The protocol of a container port is the one of the Service ports that reach it, else the container port's name.
  let protocol: IstioProtocol = "unknown";
  const hosts: string[] = [];
  for (const s of servicesSelecting(index, workload)) {
    for (const p of s.ports) {
      if (port === undefined || targetPortOn(p, workload) !== port) continue;
      if (protocol === "unknown") protocol = servicePortProtocol(p);
      const names = serviceNames(s);
      hosts.push(...names, ...names.map((n) => `${n}:${p.number}`));
    }
  }
  if (protocol === "unknown") {
    const named = declared.find((p) => p.containerPort === port);
    if (named) protocol = portProtocol({ name: named.name, protocol: named.protocol });
  }
  return {
    kind: "workload",
    resource: workload.resource,
    namespace: workload.namespace,
    name: workload.resource.name,
    port,
    backends: [{ workload, namespace: workload.namespace, labels: workload.labels, containerPort: port, protocol }],
    hosts,
    fqdn: undefined,
  };
}

/** Decides a request: every backend of the target by the engine of its mesh; allow only when all of them allow. */
export function decideAccess(index: ResourceIndex, request: AccessRequest): AccessDecision {
  const resolved = resolveSource(index, request.from);
  const target = resolveTarget(index, request.to);
  const engine = ACCESS_ENGINES.find((e) => e.handles(index, target)) ?? istioAccessEngine;
  const source = engine.refineSource?.(index, resolved) ?? resolved;
  const backends = target.backends.map((b) => engine.decide(index, request, source, target, b));
  const denied = backends.filter((b) => b.decision === "deny");
  const deciding = denied[0] ?? backends[0];
  if (!deciding) throw new AccessError(`target "${formatTarget(request.to)}" has no backend`, "target");
  const decision = denied.length ? "deny" : "allow";
  const mixed = denied.length > 0 && denied.length < backends.length;
  const explanation = mixed
    ? `${denied.length} of ${backends.length} backends deny the request, so some of the calls fail. ${deciding.explanation}`
    : deciding.explanation;
  return {
    engine: engine.name,
    request,
    source,
    target,
    decision,
    decidedBy: deciding.decidedBy,
    mtls: deciding.mtls,
    backends,
    explanation,
    notes: [...new Set(backends.flatMap((b) => b.notes))],
  };
}

/** `path/to/file.yaml:12` for a decider (or its logical name when it came from no file). */
export function deciderLocation(d: Decider): string {
  const span: SourceSpan | undefined = d.resource.origin.locate(d.path);
  return span ? `${span.file}:${span.line}` : displayName(d.resource);
}

/** An expected decision from `.meshlint.yaml`'s `access:` list, checked on every lint. */
/** Every kind an access decision may read, for rules that decide. */
export const ACCESS_KINDS: readonly KindKey[] = [...new Set([...AUTHZ_KINDS, ...MTLS_KINDS, K.ServiceAccount, ...LINKERD_ACCESS_KINDS])];
