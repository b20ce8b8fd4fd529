import type { RawResource } from "../load/load.js";
import { K, type KindKey, WORKLOAD_TEMPLATES, isBuiltinClusterScoped, kindId, parseApiVersion } from "./kinds.js";
import { type Resource, asObject, asString, identity, isLinted } from "./resource.js";
import type { Settings } from "./settings.js";
import { type Workload, WorkloadTable, workloadOf } from "./workloads.js";

export interface NamespaceTable {
  /** Declared Namespace objects, namespaces that resources live in, and the installation's namespaces. */
  readonly names: ReadonlySet<string>;
  exists(name: string): boolean;
  /** The Namespace object, when the repository (or the installation) declares one. */
  declared(name: string): Resource | undefined;
}

/** Stands for "every kind" in a rule's `reads` (a rule over all resources, such as duplicate detection). */
export const ANY_KIND: KindKey = Object.freeze({ group: "*", kind: "*" });

/** Kinds a rule reads when it asks the index for workloads (checked against each rule's `reads`). */
export const WORKLOAD_KINDS: readonly KindKey[] = WORKLOAD_TEMPLATES.map((w) => w.kind);

/**
 * Every resource, indexed once: by kind, by identity and by namespace, with the derived host and workload
 * tables built on first use. Cross-resource rules look things up here instead of scanning, so no check is
 * quadratic in the number of resources.
 */
export class ResourceIndex {
  readonly resources: readonly Resource[];
  private readonly byKind = new Map<string, Resource[]>();
  private readonly byIdentity = new Map<string, Resource[]>();
  private readonly byKindNamespace = new Map<string, Resource[]>();
  /** Built on first use; one object shared by the index and all its views. */
  private readonly derived: { workloads?: WorkloadTable; namespaces?: NamespaceTable } = {};
  private readonly memos = new Map<string, unknown>();
  /** Set on per-rule views (see `view`): records which kinds a rule reads. */
  private onRead: ((kind: KindKey) => void) | undefined;

  /** `resources`: the repository's, then the ones an installation is assumed to provide (see project/). */
  constructor(
    resources: readonly Resource[],
    readonly settings: Settings,
  ) {
    this.resources = resources;
    for (const r of this.resources) {
      push(this.byKind, kindId(r), r);
      push(this.byIdentity, r.id, r);
      push(this.byKindNamespace, `${kindId(r)}\u0000${r.namespace}`, r);
    }
  }

  /**
   * The same index, recording the kinds read through it. Views share every table with the index (they are
   * prototype children), so a view costs one object.
   */
  view(onRead: (kind: KindKey) => void): ResourceIndex {
    const view = Object.create(this) as ResourceIndex;
    view.onRead = onRead;
    return view;
  }

  /** Resources of a kind; ANY_KIND gives every resource (for rules that check each one, such as schema validation). */
  all(kind: KindKey): readonly Resource[] {
    this.onRead?.(kind);
    if (kind === ANY_KIND) return this.resources;
    return this.byKind.get(kindId(kind)) ?? [];
  }

  inNamespace(kind: KindKey, namespace: string): readonly Resource[] {
    this.onRead?.(kind);
    return this.byKindNamespace.get(`${kindId(kind)}\u0000${namespace}`) ?? [];
  }

  /**
   * Whether the repository itself defines objects of a kind (assumed installation objects do not count). A rule
   * checks references to a kind only when it does: a repository without any DestinationRule keeps them elsewhere,
   * and reporting every subset as missing would be noise.
   */
  inRepository(kind: KindKey): boolean {
    return this.all(kind).some(isLinted);
  }

  /** The first definition of an object (a duplicate identity is its own finding). */
  get(kind: KindKey, namespace: string, name: string): Resource | undefined {
    this.onRead?.(kind);
    return this.byIdentity.get(identity(kind, namespace, name))?.[0];
  }

  /** Groups of resources that share one identity (kind, namespace, name), each in input order. */
  duplicates(): readonly (readonly Resource[])[] {
    this.onRead?.(ANY_KIND);
    const out: Resource[][] = [];
    for (const group of this.byIdentity.values()) {
      const linted = group.filter(isLinted);
      if (linted.length > 1) out.push(linted);
    }
    return out;
  }

  /** Every definition of one identity, in input order. */
  definitions(kind: KindKey, namespace: string, name: string): readonly Resource[] {
    this.onRead?.(kind);
    return this.byIdentity.get(identity(kind, namespace, name)) ?? [];
  }

  namespaces(): NamespaceTable {
    this.onRead?.(K.Namespace);
    return (this.derived.namespaces ??= this.buildNamespaces());
  }

  workloads(): WorkloadTable {
    for (const k of WORKLOAD_KINDS) this.onRead?.(k);
    this.derived.workloads ??= new WorkloadTable(
      WORKLOAD_KINDS.flatMap((k) => this.unrecorded(k))
        .map(workloadOf)
        .filter((w): w is Workload => w !== undefined),
    );
    return this.derived.workloads;
  }

  /**
   * A table derived from some kinds, built once and shared by every rule (e.g. DestinationRules by host).
   * The kinds are recorded as read on every call, not only by the rule that happened to build it.
   */
  memo<T>(key: string, kinds: readonly KindKey[], build: () => T): T {
    for (const k of kinds) this.onRead?.(k);
    if (!this.memos.has(key)) this.memos.set(key, build());
    return this.memos.get(key) as T;
  }

  private unrecorded(kind: KindKey): readonly Resource[] {
    return this.byKind.get(kindId(kind)) ?? [];
  }

  private buildNamespaces(): NamespaceTable {
    const declared = new Map<string, Resource>();
    for (const ns of this.unrecorded(K.Namespace)) if (!declared.has(ns.name)) declared.set(ns.name, ns);
    const names = new Set<string>(declared.keys());
    for (const r of this.resources) if (r.namespace) names.add(r.namespace);
    return {
      names,
      exists: (name) => names.has(name),
      declared: (name) => declared.get(name),
    };
  }
}

/** Builds resources from raw manifests: defaults namespaces, using the repository's CRDs to know which kinds are cluster-scoped. */
export function resourcesFromRaw(raw: readonly RawResource[], settings: Settings): Resource[] {
  const clusterScoped = new Set<string>();
  for (const r of raw) {
    if (r.kind !== "CustomResourceDefinition") continue;
    const s = asObject(r.data.spec);
    const kind = asString(asObject(s?.names)?.kind);
    if (kind && s?.scope === "Cluster") clusterScoped.add(`${asString(s.group) ?? ""}/${kind}`);
  }
  const resources = raw.map((r) => {
    const { group, version } = parseApiVersion(r.apiVersion);
    const key = { group, kind: r.kind };
    const meta = asObject(r.data.metadata) ?? {};
    const written = asString(meta.namespace);
    const cluster = isBuiltinClusterScoped(key) || clusterScoped.has(`${group}/${r.kind}`);
    const namespace = cluster ? "" : written || settings.defaultNamespace;
    const name = asString(meta.name) ?? asString(meta.generateName) ?? "";
    return {
      apiVersion: r.apiVersion,
      group,
      version,
      kind: r.kind,
      namespace,
      name,
      namespaceWritten: Boolean(written),
      data: r.data,
      origin: r.origin,
      id: identity(key, namespace, name),
    } satisfies Resource;
  });
  return resources;
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
