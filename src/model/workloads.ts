import { WORKLOAD_TEMPLATES, sameKind } from "./kinds.js";
import {
  type FieldPath,
  type Resource,
  asArray,
  asNumber,
  asObject,
  asString,
  asStringMap,
  getPath,
} from "./resource.js";
import { type Selector, isEmptySelector, matches } from "./selectors.js";

export interface ContainerPort {
  readonly name: string | undefined;
  readonly containerPort: number;
  readonly protocol: string;
}

export interface Container {
  readonly name: string;
  readonly image: string | undefined;
  readonly ports: readonly ContainerPort[];
}

/** The pods a Deployment, StatefulSet, Job, Pod, Rollout… will run: what selectors and policies apply to. */
export interface Workload {
  readonly resource: Resource;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly containers: readonly Container[];
  readonly initContainers: readonly Container[];
  /** Path to the pod template inside the resource (empty for a Pod). */
  readonly templatePath: FieldPath;
}

// Resources are frozen, so the workload read from one never changes; many rules ask for the same ones.
const workloadCache = new WeakMap<Resource, Workload | null>();

export function workloadOf(resource: Resource): Workload | undefined {
  const cached = workloadCache.get(resource);
  if (cached !== undefined) return cached ?? undefined;
  const workload = readWorkload(resource);
  workloadCache.set(resource, workload ?? null);
  return workload;
}

function readWorkload(resource: Resource): Workload | undefined {
  const entry = WORKLOAD_TEMPLATES.find((w) => sameKind(w.kind, resource));
  if (!entry) return undefined;
  const template = asObject(getPath(resource.data, entry.template));
  if (!template) return undefined;
  const meta = asObject(template.metadata) ?? {};
  const podSpec = asObject(template.spec) ?? {};
  return {
    resource,
    namespace: resource.namespace,
    labels: asStringMap(meta.labels) ?? {},
    annotations: asStringMap(meta.annotations) ?? {},
    serviceAccount: asString(podSpec.serviceAccountName) ?? asString(podSpec.serviceAccount) ?? "default",
    containers: containersOf(podSpec.containers),
    initContainers: containersOf(podSpec.initContainers),
    templatePath: entry.template,
  };
}

function containersOf(value: unknown): Container[] {
  return asArray(value).flatMap((c) => {
    const container = asObject(c);
    if (!container) return [];
    const ports = asArray(container.ports).flatMap((p) => {
      const port = asObject(p);
      const number = asNumber(port?.containerPort);
      if (!port || number === undefined) return [];
      return [{ name: asString(port.name), containerPort: number, protocol: asString(port.protocol) ?? "TCP" }];
    });
    return [{ name: asString(container.name) ?? "", image: asString(container.image), ports }];
  });
}

/**
 * All workloads, indexed so that a selector is answered without scanning every workload: by namespace, and by
 * each `key=value` label, the rarest label of a selector picking the candidates.
 */
export class WorkloadTable {
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byLabel = new Map<string, Workload[]>();

  constructor(readonly all: readonly Workload[]) {
    for (const w of all) {
      push(this.byNamespace, w.namespace, w);
      for (const [k, v] of Object.entries(w.labels)) push(this.byLabel, `${w.namespace}\u0000${k}=${v}`, w);
    }
  }

  inNamespace(namespace: string): readonly Workload[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  /** Workloads in `namespace` that `selector` selects; an empty selector selects every workload there. */
  select(selector: Selector, namespace: string): readonly Workload[] {
    if (selector.invalid) return [];
    if (isEmptySelector(selector)) return this.inNamespace(namespace);
    let candidates: readonly Workload[] | undefined;
    for (const [k, v] of Object.entries(selector.matchLabels)) {
      const bucket = this.byLabel.get(`${namespace}\u0000${k}=${v}`) ?? [];
      if (!candidates || bucket.length < candidates.length) candidates = bucket;
      if (bucket.length === 0) return [];
    }
    return (candidates ?? this.inNamespace(namespace)).filter((w) => matches(selector, w.labels));
  }

  /** Workloads in any namespace that `selector` selects. */
  selectAnywhere(selector: Selector): readonly Workload[] {
    return [...this.byNamespace.keys()].flatMap((ns) => this.select(selector, ns));
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
