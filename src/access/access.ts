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

/** `NAMESPACE/NAME[:PORT]`. */
export function parseTarget(text: string): AccessTargetRef {
  const m = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([^/:\s]+)(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m?.[1] || !m[3]) throw new AccessError(`a target is written NAMESPACE/NAME[:PORT] (a Service or a workload), not "${text}"`, "target");
  const port = m[4] === undefined ? undefined : Number(m[4]);
  if (port !== undefined && (port < 1 || port > 65535)) throw new AccessError(`port ${port} is out of range in "${text}"`, "target");
  return { namespace: m[1], name: m[3], port };
}

export const formatSource = (s: AccessSourceRef): string => `${s.namespace}/sa/${s.serviceAccount}`;
export const formatTarget = (t: AccessTargetRef): string => `${t.namespace}/${t.name}${t.port === undefined ? "" : `:${t.port}`}`;

/** The caller: workloads running as the service account, or a declared ServiceAccount, or a namespace's `default`. */
export function resolveSource(index: ResourceIndex, ref: AccessSourceRef): ResolvedSource {
  const workloads = index.workloads().inNamespace(ref.namespace).filter((w) => w.serviceAccount === ref.serviceAccount);
  const declared = index.get(K.ServiceAccount, ref.namespace, ref.serviceAccount);
  const namespaceKnown = index.namespaces().exists(ref.namespace);
  if (workloads.length === 0 && !declared && !(ref.serviceAccount === "default" && namespaceKnown)) {
    throw new AccessError(
      namespaceKnown
        ? `unknown source "${formatSource(ref)}": no workload runs as service account "${ref.serviceAccount}" in namespace "${ref.namespace}", and no ServiceAccount of that name is declared`
        : `unknown source "${formatSource(ref)}": namespace "${ref.namespace}" does not appear in the repository`,
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
  const service = serviceNamed(index, ref.namespace, ref.name);
  if (service) return serviceTarget(index, service, ref);
  const workload = index.workloads().inNamespace(ref.namespace).find((w) => w.resource.name === ref.name);
  if (workload) return workloadTarget(index, workload, ref);
  throw new AccessError(`unknown target "${formatTarget(ref)}": namespace "${ref.namespace}" has no Service or workload named "${ref.name}"`, "target");
}

function serviceTarget(index: ResourceIndex, service: ServiceView, ref: AccessTargetRef): ResolvedTarget {
  const ports = service.ports;
  let port = ref.port === undefined ? undefined : ports.find((p) => p.number === ref.port);
  if (ref.port !== undefined && !port) {
    throw new AccessError(`unknown target "${formatTarget(ref)}": Service ${service.namespace}/${service.name} has no port ${ref.port} (ports: ${ports.map((p) => p.number).join(", ") || "none"})`, "target");
  }
  if (ref.port === undefined && ports.length > 1) {
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
  if (ref.port === undefined && declared.length > 1) {
    throw new AccessError(`${displayName(workload.resource)} has several container ports (${declared.map((p) => p.containerPort).join(", ")}): name one, as in ${ref.namespace}/${ref.name}:${declared[0]?.containerPort}`, "target");
  }
  const port = ref.port ?? declared[0]?.containerPort;
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
