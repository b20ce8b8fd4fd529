import { K } from "./kinds.js";
import { type FieldPath, type Resource, asArray, asNumber, asObject, asString, asStringMap, compareResources, spec } from "./resource.js";
import type { ResourceIndex } from "./resource-index.js";
import { selectorFromLabels } from "./selectors.js";
import type { Workload } from "./workloads.js";

// Kubernetes Services as every mesh reads them: ports, selector, FQDN and the workloads behind them. Read once per
// run (index.memo) so that no rule or model module parses `spec.ports` or `spec.selector` itself.

export interface ServicePort {
  /** Where the port is written (`["spec", "ports", i]`). */
  readonly path: FieldPath;
  readonly number: number;
  readonly name: string | undefined;
  /** What the port says it carries: `appProtocol`, else `protocol`, as written. */
  readonly protocol: string | undefined;
  readonly appProtocol: string | undefined;
  /** The transport (`protocol` upper-cased; Kubernetes defaults it to TCP). */
  readonly transport: string;
  /** As written: a container port number, a container port name, or undefined (the port's own number). */
  readonly targetPort: number | string | undefined;
}

export interface ServiceView {
  readonly resource: Resource;
  readonly namespace: string;
  readonly name: string;
  /** `name.namespace.svc.<cluster domain>`, lower-case: the host Kubernetes DNS and every mesh give the Service. */
  readonly fqdn: string;
  /** `spec.type` (ClusterIP when unset). */
  readonly type: string;
  /** `clusterIP: None`. */
  readonly headless: boolean;
  /** Ports with a port number, in the order written. */
  readonly ports: readonly ServicePort[];
  /**
   * The selector's labels; empty when it has none. A Service without a selector has endpoints managed by hand
   * and selects no pod.
   */
  readonly selector: Readonly<Record<string, string>>;
}

interface ServiceTable {
  readonly all: readonly ServiceView[];
  readonly byFqdn: Map<string, ServiceView>;
}

function table(index: ResourceIndex): ServiceTable {
  return index.memo("model/services", [K.Service], () => {
    const all = index.all(K.Service).map((r) => readServiceView(r, index.settings.clusterDomain));
    const byFqdn = new Map<string, ServiceView>();
    for (const s of all) {
      if (s.name && !byFqdn.has(s.fqdn)) byFqdn.set(s.fqdn, s);
    }
    return { all, byFqdn };
  });
}

/**
 * Services with a selector, by `namespace\0key=value` of their selector's first label: a lookup table fed per
 * Service, so that a Service change re-runs only the checks that looked for Services with one of its labels.
 */
const bySelectorLabel = (index: ResourceIndex) =>
  index.table<ServiceView>("model/services-by-selector-label", [K.Service], (r, index) => {
    const view = readServiceView(r, index.settings.clusterDomain);
    const first = Object.entries(view.selector)[0];
    return first ? [[`${view.namespace}\u0000${first[0]}=${first[1]}`, view] as const] : [];
  });

/**
 * Reads a Service resource into its view (what `serviceView` gives, for code that must not depend on the run's
 * whole Service table, such as per-object lookup tables).
 */
export function readServiceView(resource: Resource, clusterDomain: string): ServiceView {
  const cached = VIEWS.get(resource);
  if (cached?.clusterDomain === clusterDomain) return cached.view;
  const view = readService(resource, clusterDomain);
  VIEWS.set(resource, { clusterDomain, view });
  return view;
}

/** A resource never changes (a change makes a new one), so its view is read once whatever index holds it. */
const VIEWS = new WeakMap<Resource, { readonly clusterDomain: string; readonly view: ServiceView }>();

function readService(resource: Resource, clusterDomain: string): ServiceView {
  const s = spec(resource);
  const ports = asArray(s.ports).flatMap((p, i): ServicePort[] => {
    const port = asObject(p);
    const number = asNumber(port?.port);
    if (!port || number === undefined) return [];
    const appProtocol = asString(port.appProtocol);
    const protocol = asString(port.protocol);
    const target = port.targetPort;
    return [
      {
        path: ["spec", "ports", i],
        number,
        name: asString(port.name),
        protocol: appProtocol ?? protocol,
        appProtocol,
        transport: (protocol ?? "TCP").toUpperCase(),
        targetPort: typeof target === "number" || typeof target === "string" ? target : undefined,
      },
    ];
  });
  return {
    resource,
    namespace: resource.namespace,
    name: resource.name,
    fqdn: serviceFqdn(resource.name, resource.namespace, clusterDomain),
    type: asString(s.type) ?? "ClusterIP",
    headless: s.clusterIP === "None",
    ports,
    selector: asStringMap(s.selector) ?? {},
  };
}

/** `name.namespace.svc.<cluster domain>`, lower-case. */
export const serviceFqdn = (name: string, namespace: string, clusterDomain: string): string =>
  `${name}.${namespace}.svc.${clusterDomain}`.toLowerCase();

/** Every Service of the run (the repository's and the installation's), in input order. */
export const allServices = (index: ResourceIndex): readonly ServiceView[] => table(index).all;

/** The view of a Service resource. */
export function serviceView(index: ResourceIndex, service: Resource): ServiceView {
  return readServiceView(service, index.settings.clusterDomain);
}

/** The Service a namespace holds under a name, as a view. */
export function serviceNamed(index: ResourceIndex, namespace: string, name: string): ServiceView | undefined {
  const r = index.get(K.Service, namespace, name);
  return r && serviceView(index, r);
}

/** The Service whose FQDN is `fqdn` (the first one written, when a name is defined twice). */
export const serviceByFqdn = (index: ResourceIndex, fqdn: string): ServiceView | undefined => table(index).byFqdn.get(fqdn);

/** The Services of a namespace. */
export const servicesIn = (index: ResourceIndex, namespace: string): ServiceView[] =>
  index.inNamespace(K.Service, namespace).map((r) => serviceView(index, r));

/** Whether a Service's selector selects pods with these labels (a Service without selector selects none). */
export function selects(service: ServiceView, labels: Readonly<Record<string, string>>): boolean {
  const entries = Object.entries(service.selector);
  return entries.length > 0 && entries.every(([k, v]) => labels[k] === v);
}

/**
 * The Services of a workload's namespace that select its pods, in input order. Services are indexed by one label
 * of their selector, so a workload is compared only with the Services that could select it.
 */
export function servicesSelecting(index: ResourceIndex, workload: Pick<Workload, "namespace" | "labels">): ServiceView[] {
  const table = bySelectorLabel(index);
  const found: ServiceView[] = [];
  for (const [k, v] of Object.entries(workload.labels)) {
    for (const s of table.get(`${workload.namespace}\u0000${k}=${v}`)) if (selects(s, workload.labels)) found.push(s);
  }
  return found.sort((a, b) => compareResources(a.resource, b.resource));
}

/** The workloads a Service selects (none without a selector). */
export function workloadsBehind(index: ResourceIndex, service: ServiceView): readonly Workload[] {
  if (Object.keys(service.selector).length === 0) return [];
  return index.workloads().select(selectorFromLabels(service.selector), service.namespace);
}

/** The ports a reference to the Service is checked against; undefined when it lists none (ExternalName, or managed elsewhere). */
export const listedPorts = (service: ServiceView): readonly ServicePort[] | undefined =>
  service.type === "ExternalName" || service.ports.length === 0 ? undefined : service.ports;

/** The port of a Service with a number. */
export const portNumbered = (service: ServiceView, number: number): ServicePort | undefined => service.ports.find((p) => p.number === number);

/**
 * The container port a Service port reaches on a workload: the target port's number, or the container port its
 * name designates (undefined when no container declares that name).
 */
export function targetPortOn(port: ServicePort, workload: Pick<Workload, "containers">): number | undefined {
  const target = port.targetPort ?? port.number;
  if (typeof target === "number") return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of workload.containers) for (const p of c.ports) if (p.name === target) return p.containerPort;
  return undefined;
}

/** The container port a Service port reaches without knowing the pods: undefined when it is named. */
export function numericTargetPort(port: ServicePort): number | undefined {
  const target = port.targetPort ?? port.number;
  if (typeof target === "number") return target;
  return /^\d+$/.test(target) ? Number(target) : undefined;
}
