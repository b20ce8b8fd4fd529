import { copyWith } from "../base/copy.js";
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
  insertOrdered,
} from "./resource.js";
import { type ReadLog, ReadKey } from "./read-log.js";
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

const argumentPortsCache = new WeakMap<Workload, ReadonlySet<number>>();

/**
 * Port numbers a workload's containers are told to listen on in their command, arguments or environment
 * (`--port 18080`, `--grpc-port=9090`, `LISTEN_ADDR=:8080`): a program listens where it is told, whether or not the
 * container declares the port, and Kubernetes and the meshes need no declaration to reach it.
 */
export function portsInArguments(workload: Workload): ReadonlySet<number> {
  let ports = argumentPortsCache.get(workload);
  if (ports) return ports;
  const podSpec = asObject(asObject(getPath(workload.resource.data, workload.templatePath))?.spec) ?? {};
  const found = new Set<number>();
  for (const c of asArray(podSpec.containers)) {
    const container = asObject(c);
    const words = [
      ...asArray(container?.command),
      ...asArray(container?.args),
      ...asArray(container?.env).map((e) => asObject(e)?.value),
    ].flatMap((v) => (typeof v === "string" ? [v] : typeof v === "number" ? [String(v)] : []));
    for (const word of words) {
      for (const m of word.matchAll(/(?<![\w.])(\d{2,5})(?![\w.])/g)) {
        const n = Number(m[1]);
        if (n > 0 && n <= 65535) found.add(n);
      }
    }
  }
  ports = found;
  argumentPortsCache.set(workload, ports);
  return ports;
}

const listeningPortsCache = new WeakMap<Workload, ReadonlySet<number>>();

/** A flag or variable that says where a program listens (`--port`, `-http-port`, `--listen-address`, `PORT`, `BIND_ADDR`). */
const LISTEN_WORD = /(?:^|[-_])(?:[a-z]+[-_])*(?:port|listen|addr|address|bind)(?:[-_][a-z]+)*$/i;
/** `8080`, `:8080`, `0.0.0.0:8080`, `[::]:8080`. */
const LISTEN_VALUE = /^(?:(?:[\w.-]*|\[[\d:a-f]*\]):)?(\d{1,5})$/i;

/**
 * Port numbers the containers are told to listen on by a flag or variable named for it (`-port 8080`,
 * `--listen=:9090`, `PORT=3000`): stronger than `portsInArguments` (any number in the arguments). A Service port
 * sent to a number outside these and outside the declared ports reaches a port the program was told not to use.
 */
export function listeningPorts(workload: Workload): ReadonlySet<number> {
  let ports = listeningPortsCache.get(workload);
  if (ports) return ports;
  const podSpec = asObject(asObject(getPath(workload.resource.data, workload.templatePath))?.spec) ?? {};
  const found = new Set<number>();
  const take = (value: string) => {
    const m = LISTEN_VALUE.exec(value.trim());
    const n = m ? Number(m[1]) : NaN;
    if (n > 0 && n <= 65535) found.add(n);
  };
  for (const c of asArray(podSpec.containers)) {
    const container = asObject(c);
    const words = [...asArray(container?.command), ...asArray(container?.args)].flatMap((v) =>
      typeof v === "string" ? v.split(/\s+/).filter(Boolean) : typeof v === "number" ? [String(v)] : [],
    );
    words.forEach((word, i) => {
      const flag = /^--?([\w-]+)(?:=(.*))?$/.exec(word);
      if (!flag || !LISTEN_WORD.test(flag[1]!)) return;
      const value = flag[2] ?? words[i + 1];
      if (value !== undefined) take(value);
    });
    for (const e of asArray(container?.env)) {
      const env = asObject(e);
      const name = asString(env?.name);
      const value = env?.value;
      if (name && LISTEN_WORD.test(name) && (typeof value === "string" || typeof value === "number")) take(String(value));
    }
  }
  ports = found;
  listeningPortsCache.set(workload, ports);
  return ports;
}

/**
 * All workloads, indexed so that a selector is answered without scanning every workload: by namespace, and by
 * each `key=value` label, the rarest label of a selector picking the candidates.
 */
export class WorkloadTable {
  private byNamespace = new Map<string, Workload[]>();
  private byLabel = new Map<string, Workload[]>();
  /** Set on recording copies (see `recorded`). */
  private log: ReadLog | undefined;

  constructor(private list: readonly Workload[]) {
    for (const w of list) {
      push(this.byNamespace, w.namespace, w);
      for (const [k, v] of Object.entries(w.labels)) push(this.byLabel, `${w.namespace}\u0000${k}=${v}`, w);
    }
  }

  /** The same table, reporting the namespaces each question looks into to `log`. */
  recorded(log: ReadLog): WorkloadTable {
    return copyWith(this, { log });
  }

  /** The table after some workload resources changed; only the lists they are in are copied. */
  patched(removed: readonly Resource[], added: readonly Resource[]): WorkloadTable {
    const gone = new Set(removed);
    const fresh = added.map(workloadOf).filter((w): w is Workload => w !== undefined);
    let list = this.list.filter((w) => !gone.has(w.resource));
    for (const w of fresh) list = insertOrdered(list, w, (x) => x.resource);
    const next = Object.create(WorkloadTable.prototype) as WorkloadTable;
    Object.assign(next, { list, log: undefined, byNamespace: new Map(this.byNamespace), byLabel: new Map(this.byLabel) });
    const touch = (map: Map<string, Workload[]>, key: string, w: Workload, add: boolean) => {
      const list = (map.get(key) ?? []).filter((x) => !gone.has(x.resource));
      const updated = add ? insertOrdered(list, w, (x) => x.resource) : list;
      if (updated.length) map.set(key, updated);
      else map.delete(key);
    };
    for (const r of removed) {
      const w = workloadOf(r);
      if (!w) continue;
      touch(next.byNamespace, w.namespace, w, false);
      for (const [k, v] of Object.entries(w.labels)) touch(next.byLabel, `${w.namespace}\u0000${k}=${v}`, w, false);
    }
    for (const w of fresh) {
      touch(next.byNamespace, w.namespace, w, true);
      for (const [k, v] of Object.entries(w.labels)) touch(next.byLabel, `${w.namespace}\u0000${k}=${v}`, w, true);
    }
    return next;
  }

  inNamespace(namespace: string): readonly Workload[] {
    this.log?.key(ReadKey.workloads(namespace));
    return this.byNamespace.get(namespace) ?? [];
  }

  /** Workloads in `namespace` that `selector` selects; an empty selector selects every workload there. */
  select(selector: Selector, namespace: string): readonly Workload[] {
    this.log?.key(ReadKey.workloads(namespace));
    if (selector.invalid) return [];
    if (isEmptySelector(selector)) return this.byNamespace.get(namespace) ?? [];
    let candidates: readonly Workload[] | undefined;
    for (const [k, v] of Object.entries(selector.matchLabels)) {
      const bucket = this.byLabel.get(`${namespace}\u0000${k}=${v}`) ?? [];
      if (!candidates || bucket.length < candidates.length) candidates = bucket;
      if (bucket.length === 0) return [];
    }
    return (candidates ?? this.byNamespace.get(namespace) ?? []).filter((w) => matches(selector, w.labels));
  }

  /** Workloads in any namespace that `selector` selects. */
  selectAnywhere(selector: Selector): readonly Workload[] {
    this.log?.key(ReadKey.workloads("*"));
    return [...this.byNamespace.keys()].flatMap((ns) => this.select(selector, ns));
  }

  /** Every workload. */
  get all(): readonly Workload[] {
    this.log?.key(ReadKey.workloads("*"));
    return this.list;
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
