import { copyWith } from "../base/copy.js";
import { LayeredMap } from "../base/layered-map.js";
import type { RawResource } from "../load/load.js";
import { K, type KindKey, WORKLOAD_TEMPLATES, isBuiltinClusterScoped, kindId, parseApiVersion, sameKind } from "./kinds.js";
import { type ReadLog, ReadKey } from "./read-log.js";
import { type Resource, asObject, asString, compareResources, identity, insertOrdered, isLinted, isUnreadable, orderedPosition } from "./resource.js";
import type { Settings } from "./settings.js";
import { type Workload, WorkloadTable, workloadOf } from "./workloads.js";

export interface NamespaceTable {
  /** Declared Namespace objects, namespaces that resources live in, and the installation's namespaces. */
  readonly names: ReadonlySet<string>;
  exists(name: string): boolean;
  /** The Namespace object, when the repository (or the installation) declares one. */
  declared(name: string): Resource | undefined;
}

/** Objects that disappear from an index and objects that appear in it (an update is both). */
export interface IndexChange {
  readonly removed: readonly Resource[];
  readonly added: readonly Resource[];
}

/** Stands for "every kind" in a rule's `reads` (a rule over all resources, such as duplicate detection). */
export const ANY_KIND: KindKey = Object.freeze({ group: "*", kind: "*" });

/** Kinds a rule reads when it asks the index for workloads (checked against each rule's `reads`). */
export const WORKLOAD_KINDS: readonly KindKey[] = WORKLOAD_TEMPLATES.map((w) => w.kind);

/** A lookup table (see ResourceIndex.table). */
export interface Table<V> {
  get(key: string): readonly V[];
  entries(key: string): readonly { readonly resource: Resource; readonly value: V }[];
}
interface MemoEntry {
  readonly value: unknown;
  /** Read keys the value was computed from: a change invalidating one of them drops the memo. */
  readonly deps: ReadonlySet<string>;
  /** A fact: recomputed on change, and only reported changed when its value differs. */
  readonly fact?: (index: ResourceIndex) => unknown;
}

interface TableState {
  readonly kinds: readonly KindKey[];
  /** Orders entries within a key before index order (a full build adds some kinds first). */
  readonly first: (a: Resource, b: Resource) => number;
  readonly entriesOf: (r: Resource, index: ResourceIndex) => Iterable<readonly [string, unknown]>;
  readonly buckets: LayeredMap<string, readonly { readonly resource: Resource; readonly value: unknown }[]>;
  /**
   * Whether `contributions` and `dependents` are kept: only a change needs them (see IndexOptions.changes); a table
   * built without them gets them when a change first needs them (`traced`).
   */
  traced: boolean;
  /** Each object's keys and the read keys its entries were computed from. */
  readonly contributions: LayeredMap<Resource, { readonly keys: readonly string[]; readonly deps: readonly string[] }>;
  /** Read key → objects whose entries read it. */
  readonly dependents: LayeredMap<string, ReadonlySet<Resource>>;
  /**
   * Buckets and dependent sets this state copied while being patched: changed in place from then on, since no
   * other index shares them (a bucket of thousands of claims is copied once per change, not once per object).
   */
  readonly owned?: Set<unknown>;
}

interface UnionState {
  readonly valuesOf: (r: Resource) => Iterable<string>;
  /** How many objects contribute each string. */
  readonly counts: ReadonlyMap<string, number>;
  readonly values: ReadonlySet<string>;
}

interface Derived {
  workloads?: WorkloadTable;
  namespaces?: CountedNamespaces;
}

export interface IndexOptions {
  /**
   * Whether the index will be changed (`withChange`) or asked what its tables read (`derivedReads`): an editor's
   * relint, the webhook, --cache's kept checks. Then its tables record, as they are built, what each object
   * contributed and read. A one-off lint says `false`: at 100k resources that record was 62 MB of the heap at the
   * end of the rules (a heap snapshot), and building it cost a read key per lookup. Asked anyway, such an index
   * records its tables then (the same answers, at the cost of building their entries again).
   */
  readonly changes?: boolean;
}

/**
 * Every resource, indexed once: by kind, by identity and by namespace, with the derived host and workload
 * tables built on first use. Cross-resource rules look things up here instead of scanning, so no check is
 * quadratic in the number of resources.
 *
 * Objects of documents that could not be read (`isUnreadable`) answer identity lookups (`get`, `definitions`) and
 * nothing else: no list, table, union, workload or namespace sees them, since their content is not known.
 *
 * An index never changes; `withChange` gives the index after some objects were removed or added, sharing
 * everything the change does not touch (so an admission request or an editor keystroke costs what it changes, not
 * the size of the index), together with the read keys whose answers may differ (see ReadKey).
 */
export class ResourceIndex {
  /** Every resource in order; after a change computed on first use (most changes never need the whole list). */
  private listCell: { value?: readonly Resource[]; compute?: () => readonly Resource[] };
  /** Objects of unreadable documents: found by identity only. */
  private unreadableList: readonly Resource[];
  private byKind: Map<string, readonly Resource[]>;
  private byIdentity: LayeredMap<string, readonly Resource[]>;
  private byKindNamespace: LayeredMap<string, readonly Resource[]>;
  /** Linted objects per kind (assumed objects and `--crds` CRDs excluded), for `inRepository`. */
  private present: Map<string, number>;
  /** Built on first use; one object shared by the index and all its views. */
  private derived: Derived = {};
  private memos: LayeredMap<string, MemoEntry>;
  private tables: LayeredMap<string, TableState>;
  private unions: Map<string, UnionState>;
  /**
   * For an index made by `withChange` and not yet the current one: the index it was made from and the change. A
   * table or union first asked for here is built there (once, shared by every later change) and patched.
   */
  private derivedFrom: { readonly index: ResourceIndex; readonly change: IndexChange; readonly keys: ReadonlySet<string> } | undefined;
  /** Set on per-check views (see `view`): records what a check reads. */
  private log: ReadLog | undefined;
  /** Whether tables are built with what a change needs (see IndexOptions). */
  private tracing: boolean;

  /**
   * `resources`: the repository's, then the ones an installation is assumed to provide (see project/), in
   * `compareResources` order (so that `withChange` can insert where a full build would).
   */
  constructor(
    resources: readonly Resource[],
    readonly settings: Settings,
    options: IndexOptions = {},
  ) {
    this.tracing = options.changes ?? true;
    const readable = resources.filter((r) => !isUnreadable(r));
    this.unreadableList = readable.length === resources.length ? [] : resources.filter(isUnreadable);
    this.listCell = { value: readable };
    const byKind = new Map<string, Resource[]>();
    const byIdentity = new Map<string, Resource[]>();
    const byKindNamespace = new Map<string, Resource[]>();
    this.present = new Map();
    for (const r of this.unreadableList) push(byIdentity, r.id, r);
    // Each kind's and each kind and namespace's key is made once: made per object, each is a new string to hash.
    const keys = new Map<string, Map<string, { kind: string; namespaces: Map<string, string> }>>();
    for (const r of readable) {
      let ofGroup = keys.get(r.group);
      if (!ofGroup) keys.set(r.group, (ofGroup = new Map()));
      let ofKind = ofGroup.get(r.kind);
      if (!ofKind) ofGroup.set(r.kind, (ofKind = { kind: kindId(r), namespaces: new Map() }));
      let kindNamespace = ofKind.namespaces.get(r.namespace);
      if (kindNamespace === undefined) ofKind.namespaces.set(r.namespace, (kindNamespace = `${ofKind.kind}\u0000${r.namespace}`));
      push(byKind, ofKind.kind, r);
      push(byIdentity, r.id, r);
      push(byKindNamespace, kindNamespace, r);
      if (isLinted(r)) this.present.set(ofKind.kind, (this.present.get(ofKind.kind) ?? 0) + 1);
    }
    this.byKind = byKind;
    this.byIdentity = LayeredMap.of(byIdentity);
    this.byKindNamespace = LayeredMap.of(byKindNamespace);
    this.memos = LayeredMap.of(new Map());
    this.tables = LayeredMap.of(new Map());
    this.unions = new Map();
    this.derivedFrom = undefined;
  }

  /**
   * Makes this index (made by `withChange`) the one later changes start from: tables and unions it lacks are then
   * built on it, and the index it was made from can be freed.
   */
  settle(): void {
    this.derivedFrom = undefined;
    void this.list;
  }

  private get list(): readonly Resource[] {
    const cell = this.listCell;
    if (!cell.value) {
      cell.value = cell.compute!();
      delete cell.compute;
    }
    return cell.value;
  }

  /**
   * The objects of unreadable documents (see `isUnreadable`), for a front end that replaces a file's objects. Not a
   * rule's question: rules find them by identity only.
   */
  unreadable(): readonly Resource[] {
    return this.unreadableList;
  }

  /** Every resource: the repository's, then the assumed ones. Reading it reads everything. */
  get resources(): readonly Resource[] {
    this.log?.key(ReadKey.kind(ANY_KIND));
    return this.list;
  }

  /**
   * The same index, recording what is read through it. Views share every table with the index (shallow copies,
   * see copyWith), so a view costs one object. A function is taken as a log of kinds only.
   */
  view(log: ReadLog | ((kind: KindKey) => void)): ResourceIndex {
    return copyWith(this, { log: typeof log === "function" ? { kind: log, key: () => {} } : log });
  }

  /** Resources of a kind; ANY_KIND gives every resource (for rules that check each one, such as schema validation). */
  all(kind: KindKey): readonly Resource[] {
    this.log?.kind(kind);
    this.log?.key(ReadKey.kind(kind));
    if (kind === ANY_KIND) return this.list;
    return this.byKind.get(kindId(kind)) ?? [];
  }

  inNamespace(kind: KindKey, namespace: string): readonly Resource[] {
    this.log?.kind(kind);
    this.log?.key(ReadKey.namespace(kind, namespace));
    return this.byKindNamespace.get(`${kindId(kind)}\u0000${namespace}`) ?? [];
  }

  /**
   * Whether the repository itself defines objects of a kind (assumed installation objects do not count). A rule
   * checks references to a kind only when it does: a repository without any DestinationRule keeps them elsewhere,
   * and reporting every subset as missing would be noise. Objects read from a live cluster count. Rules ask
   * src/model/evidence.ts (holdsKind), which answers from here.
   */
  inRepository(kind: KindKey): boolean {
    this.log?.kind(kind);
    this.log?.key(ReadKey.exists(kind));
    return (this.present.get(kindId(kind)) ?? 0) > 0;
  }

  /**
   * The (readable) objects of one file, for a front end that replaces a file's objects: files' objects lead the
   * index's order, by path, so they are found by binary search rather than by a walk over every object.
   */
  ofFile(file: string): readonly Resource[] {
    const list = this.list;
    const after = (r: Resource) => r.origin.kind !== "file" || (r.origin.file ?? "") >= file;
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (after(list[mid]!)) hi = mid;
      else lo = mid + 1;
    }
    const out: Resource[] = [];
    for (let i = lo; i < list.length && list[i]!.origin.kind === "file" && list[i]!.origin.file === file; i++) out.push(list[i]!);
    return out;
  }

  /** How many objects were linted (assumed ones and `--crds` CRDs left out), without walking them: for summaries. */
  lintedCount(): number {
    let n = 0;
    for (const count of this.present.values()) n += count;
    return n;
  }

  /** The first definition of an object (a duplicate identity is its own finding). */
  get(kind: KindKey, namespace: string, name: string): Resource | undefined {
    return this.definitions(kind, namespace, name)[0];
  }

  /** Groups of linted resources that share one identity (kind, namespace, name), each in input order. */
  duplicates(): readonly (readonly Resource[])[] {
    this.log?.kind(ANY_KIND);
    this.log?.key(ReadKey.duplicates());
    const out: Resource[][] = [];
    for (const group of this.byIdentity.values()) {
      if (group.length < 2) continue;
      const linted = group.filter(isLinted);
      if (linted.length > 1) out.push(linted);
    }
    return out;
  }

  /** Every definition of one identity, in input order. */
  definitions(kind: KindKey, namespace: string, name: string): readonly Resource[] {
    this.log?.kind(kind);
    this.log?.key(ReadKey.identity(kind, namespace, name));
    return this.byIdentity.get(identity(kind, namespace, name)) ?? [];
  }

  namespaces(): NamespaceTable {
    this.log?.kind(K.Namespace);
    const table = this.namespaceTable();
    return this.log ? table.recorded(this.log) : table;
  }

  workloads(): WorkloadTable {
    for (const k of WORKLOAD_KINDS) this.log?.kind(k);
    this.derived.workloads ??= new WorkloadTable(
      WORKLOAD_KINDS.flatMap((k) => this.unrecorded(k))
        .map(workloadOf)
        .filter((w): w is Workload => w !== undefined),
    );
    return this.log ? this.derived.workloads.recorded(this.log) : this.derived.workloads;
  }

  /**
   * A table derived from some kinds, built once and shared by every rule (e.g. DestinationRules by host).
   * The kinds are recorded as read on every call, not only by the rule that happened to build it. What the build
   * reads becomes the memo's own dependencies: a change to any of them (or to a declared kind) drops it.
   */
  memo<T>(key: string, kinds: readonly KindKey[], build: () => T): T {
    for (const k of kinds) this.log?.kind(k);
    this.log?.key(ReadKey.memo(key));
    let entry = this.memos.get(key);
    if (!entry) {
      const deps = new Set(kinds.map(ReadKey.kind));
      entry = { value: this.recordInto(deps, build), deps };
      this.memos.set(key, entry);
    }
    return entry.value as T;
  }

  /**
   * A scalar derived from the whole index ("does the repository use Linkerd?"). Unlike a memo it is recomputed
   * whenever something it read changes, and the checks that read it re-run only when its value changes, so a
   * fact read by every check does not make every change re-run every check. `compute` must read through the
   * index it is given.
   */
  fact<T extends string | number | boolean | undefined>(key: string, kinds: readonly KindKey[], compute: (index: ResourceIndex) => T): T {
    for (const k of kinds) this.log?.kind(k);
    this.log?.key(ReadKey.memo(key));
    let entry = this.memos.get(key);
    if (!entry) {
      const deps = new Set(kinds.map(ReadKey.kind));
      entry = { value: this.recordInto(deps, () => compute(this)), deps, fact: compute as (index: ResourceIndex) => unknown };
      this.memos.set(key, entry);
    }
    return entry.value as T;
  }

  /**
   * The strings the objects contribute, each object on its own without reading the index ("the namespaces the
   * repository uses", "whether any object is Linkerd's"). Every object is asked; `kinds` are what a rule reading
   * it is taken to read. A change asks only the changed objects, and its readers re-run only when a string
   * appears or vanishes, so a question about the whole index costs a change what it touches.
   */
  union(name: string, kinds: readonly KindKey[], valuesOf: (r: Resource) => Iterable<string>): ReadonlySet<string> {
    for (const k of kinds) this.log?.kind(k);
    this.log?.key(ReadKey.memo(name));
    let state = this.unions.get(name);
    if (!state && this.derivedFrom) {
      const { index, change } = this.derivedFrom;
      index.union(name, [], valuesOf);
      state = patchUnion(index.unions.get(name)!, change.removed, change.added);
      this.unions.set(name, state);
    }
    if (!state) {
      const counts = new Map<string, number>();
      for (const r of this.list) for (const v of new Set(valuesOf(r))) counts.set(v, (counts.get(v) ?? 0) + 1);
      state = { valuesOf, counts, values: new Set(counts.keys()) };
      this.unions.set(name, state);
    }
    return state.values;
  }

  /**
   * Whether this index holds what a memo, fact, union or table read key (`M name`, `T name key`) asks about, so that
   * `withChange` reports that key when the change alters its answer (it reports only what was built).
   */
  holds(readKey: string): boolean {
    if (readKey.startsWith("M ")) {
      const name = readKey.slice(2);
      return this.memos.get(name) !== undefined || this.unions.has(name);
    }
    if (!readKey.startsWith("T ")) return false;
    // `T name key`: a name may hold spaces (`istio/policies-by-slot <kind>`), so try each prefix ending at one.
    for (let end = readKey.indexOf(" ", 2); end > 0; end = readKey.indexOf(" ", end + 1)) {
      if (this.tables.get(readKey.slice(2, end)) !== undefined) return true;
    }
    return false;
  }

  /**
   * What each memo, fact, union and table built on this index read, by `M name` or `T name` (a union reads every
   * object; a table, its kinds and what any of its entries read).
   */
  derivedReads(): Map<string, ReadonlySet<string>> {
    const out = new Map<string, ReadonlySet<string>>();
    for (const [name, entry] of this.memos.entries()) out.set(`M ${name}`, entry.deps);
    for (const name of this.unions.keys()) out.set(`M ${name}`, new Set([ReadKey.kind(ANY_KIND)]));
    for (const [name, state] of this.tables.entries()) {
      const deps = new Set(state.kinds.map(ReadKey.kind));
      for (const [, c] of this.traced(state).contributions.entries()) for (const d of c.deps) deps.add(d);
      out.set(`T ${name}`, deps);
    }
    return out;
  }

  /** The value of a memo built on this index (undefined when it is not built, or is a fact or union). */
  memoValue(name: string): { readonly value: unknown } | undefined {
    const entry = this.memos.get(name);
    return entry && !entry.fact ? { value: entry.value } : undefined;
  }

  /**
   * A lookup table that every object of `kinds` contributes entries to, each independently of the others
   * (`entriesOf` may read the index, e.g. to resolve a host): "DestinationRules by namespace and host",
   * "VirtualServices by routed host and subset". Lookups are recorded per key, and a change recomputes only the
   * changed objects' entries (and those whose reads it invalidated), so a table costs a change what it touches.
   * Entries keep index order within a key.
   */
  table<V>(
    name: string,
    kinds: readonly KindKey[],
    entriesOf: (r: Resource, index: ResourceIndex) => Iterable<readonly [string, V]>,
    first: (a: Resource, b: Resource) => number = () => 0,
  ): Table<V> {
    for (const k of kinds) this.log?.kind(k);
    let state = this.tables.get(name);
    if (!state && this.derivedFrom) {
      const { index, change, keys } = this.derivedFrom;
      index.table(name, kinds, entriesOf, first);
      state = this.patchTable(index.traced(index.tables.get(name)!), change, keys);
      this.tables.set(name, state);
    }
    if (!state) {
      state = {
        kinds,
        first,
        entriesOf: entriesOf as TableState["entriesOf"],
        traced: this.tracing,
        buckets: LayeredMap.of(new Map()),
        contributions: LayeredMap.of(new Map()),
        dependents: LayeredMap.of(new Map()),
      };
      for (const kind of kinds) for (const r of this.unrecorded(kind)) this.contribute(state, r, false, new Set());
      this.tables.set(name, state);
    }
    const buckets = state.buckets;
    const log = this.log;
    return {
      get(key: string): readonly V[] {
        log?.key(ReadKey.table(name, key));
        return (buckets.get(key) ?? []).map((e) => e.value as V);
      },
      entries(key: string): readonly { readonly resource: Resource; readonly value: V }[] {
        log?.key(ReadKey.table(name, key));
        return (buckets.get(key) ?? []) as readonly { readonly resource: Resource; readonly value: V }[];
      },
    };
  }

  /**
   * A table built on the index this one was made from, after the change: the changed objects' entries and those
   * that read what changed are recomputed. (No check of the earlier index read it, so no read key reports it.)
   */
  private patchTable(built: TableState, change: IndexChange, keys: ReadonlySet<string>): TableState {
    const state: TableState = {
      ...built,
      buckets: built.buckets.derive(),
      contributions: built.contributions.derive(),
      dependents: built.dependents.derive(),
      owned: new Set(),
    };
    const changedKeys = new Set<string>();
    const mine = (r: Resource) => state.kinds.some((k) => sameKind(k, r));
    for (const r of change.removed) if (mine(r)) this.withdraw(state, r, changedKeys);
    for (const r of change.added) if (mine(r)) this.contribute(state, r, true, changedKeys);
    // `keys` is the change's final set (other tables' changed keys included); no table's entries read its own keys.
    const stale = new Set<Resource>();
    for (const key of keys) for (const r of state.dependents.get(key) ?? []) if (!change.added.includes(r)) stale.add(r);
    for (const r of stale) {
      this.withdraw(state, r, changedKeys);
      this.contribute(state, r, true, changedKeys);
    }
    return state;
  }

  /** Computes an object's entries in a table and files them (ordered when patching); records changed keys. */
  private contribute(state: TableState, r: Resource, ordered: boolean, changed: Set<string>): void {
    if (!state.traced) {
      for (const [key, value] of this.recordInto(undefined, () => [...state.entriesOf(r, this)])) {
        const list = state.buckets.get(key) as { resource: Resource; value: unknown }[] | undefined;
        if (list) list.push({ resource: r, value });
        else state.buckets.set(key, [{ resource: r, value }]);
      }
      return;
    }
    const deps = new Set<string>();
    const entries = [...this.recordInto(deps, () => state.entriesOf(r, this))];
    const keys: string[] = [];
    // Building appends in place; patching copies what it changes (the lists are shared with the earlier index).
    for (const [key, value] of entries) {
      const list = state.buckets.get(key);
      const entry = { resource: r, value };
      if (!list) state.buckets.set(key, own(state, [entry]));
      else if (!ordered) (list as { resource: Resource; value: unknown }[]).push(entry);
      else if (state.owned?.has(list)) (list as { resource: Resource; value: unknown }[]).splice(orderedPosition(list, entry, (e) => e.resource, state.first), 0, entry);
      else state.buckets.set(key, own(state, insertOrdered(list, entry, (e) => e.resource, state.first)));
      keys.push(key);
      changed.add(key);
    }
    this.noteContribution(state, r, keys, deps, ordered);
  }

  /** Files what an object contributed and read, so that a change can withdraw it and find who read what changed. */
  private noteContribution(state: TableState, r: Resource, keys: string[], deps: ReadonlySet<string>, ordered: boolean): void {
    state.contributions.set(r, { keys, deps: [...deps] });
    for (const d of deps) {
      const set = state.dependents.get(d);
      if (!set) state.dependents.set(d, own(state, new Set([r])));
      else if (!ordered || state.owned?.has(set)) (set as Set<Resource>).add(r);
      else state.dependents.set(d, own(state, new Set([...set, r])));
    }
  }

  /** Removes an object's entries from a table; records changed keys. */
  private withdraw(state: TableState, r: Resource, changed: Set<string>): void {
    const was = state.contributions.get(r);
    if (!was) return;
    for (const key of new Set(was.keys)) {
      const before = state.buckets.get(key) ?? [];
      let list: { resource: Resource; value: unknown }[];
      if (state.owned?.has(before)) {
        list = before as typeof list;
        for (let i = list.length - 1; i >= 0; i--) if (list[i]!.resource === r) list.splice(i, 1);
      } else list = own(state, before.filter((e) => e.resource !== r));
      if (list.length) state.buckets.set(key, list);
      else state.buckets.delete(key);
      changed.add(key);
    }
    for (const d of was.deps) {
      const before = state.dependents.get(d);
      const set = state.owned?.has(before) ? (before as Set<Resource>) : own(state, new Set(before ?? []));
      set.delete(r);
      if (set.size) state.dependents.set(d, set);
      else state.dependents.delete(d);
    }
    state.contributions.delete(r);
  }

  /**
   * A table with what a change needs (see IndexOptions): built untraced, its objects' entries are computed again,
   * recording what each read; the buckets stay as built (the entries are the same).
   */
  private traced(state: TableState): TableState {
    if (state.traced) return state;
    for (const kind of state.kinds) {
      for (const r of this.unrecorded(kind)) {
        const deps = new Set<string>();
        const keys = [...this.recordInto(deps, () => state.entriesOf(r, this))].map(([key]) => key);
        this.noteContribution(state, r, keys, deps, false);
      }
    }
    state.traced = true;
    return state;
  }

  /**
   * Runs `build` with this index's reads going to `deps`, or nowhere when undefined (kinds still go to the outer
   * log, for the reads test).
   */
  private recordInto<T>(deps: Set<string> | undefined, build: () => T): T {
    const outer = this.log;
    this.log = { kind: (k) => outer?.kind(k), key: deps ? (key) => deps.add(key) : () => {} };
    try {
      return build();
    } finally {
      this.log = outer;
    }
  }

  /**
   * The index after `change`, sharing what the change leaves alone, and the read keys whose answers may differ.
   * `removed` must be objects of this index; `added` are new objects (an update removes the old version and adds
   * the new one).
   */
  withChange(change: IndexChange): { index: ResourceIndex; keys: Set<string> } {
    // Unreadable documents' objects change the identity lookups only; everything else sees the readable change.
    const removed = change.removed.filter((r) => !isUnreadable(r));
    const added = change.added.filter((r) => !isUnreadable(r));
    const readable: IndexChange = { removed, added };
    const listed = () => {
      // Removed objects are found by binary search (the list is in compareResources order) rather than by a walk
      // over every object: the language server settles the list after each edit.
      let list = this.list.slice();
      for (const r of removed) {
        const at = positionIn(list, r);
        if (at >= 0) list.splice(at, 1);
        else list = list.filter((x) => x !== r);
      }
      for (const r of added) list.splice(orderedPosition(list, r, (x) => x), 0, r);
      return list;
    };
    const unreadableGone = new Set(change.removed.filter(isUnreadable));
    const unreadableList = [...this.unreadableList.filter((r) => !unreadableGone.has(r)), ...change.added.filter(isUnreadable)];

    const next = Object.create(ResourceIndex.prototype) as ResourceIndex;
    const fields: Pick<ResourceIndex, "settings"> & Record<string, unknown> = {
      settings: this.settings,
      listCell: { compute: listed },
      unreadableList,
      log: undefined,
      // Changed once, an index is changed again (an editor, the webhook).
      tracing: true,
      byKind: new Map(this.byKind),
      byIdentity: this.byIdentity.derive(),
      byKindNamespace: this.byKindNamespace.derive(),
      present: new Map(this.present),
      derived: {},
      memos: this.memos.derive(),
      tables: this.tables.derive(),
      unions: new Map(this.unions),
      derivedFrom: undefined,
    };
    Object.assign(next, fields);

    const keys = new Set<string>([ReadKey.kind(ANY_KIND)]);
    const removedSet = new Set(change.removed);
    const patchList = (list: readonly Resource[] | undefined, add: readonly Resource[]) => {
      const out = (list ?? []).filter((r) => !removedSet.has(r));
      for (const r of add) out.splice(orderedPosition(out, r, (x) => x), 0, r);
      return out;
    };
    const group = (rs: readonly Resource[], keyOf: (r: Resource) => string) => {
      const out = new Map<string, Resource[]>();
      for (const r of rs) push(out, keyOf(r), r);
      return out;
    };
    const touched = [...removed, ...added];
    for (const [kind] of group(touched, kindId)) {
      const list = patchList(this.byKind.get(kind), added.filter((r) => kindId(r) === kind));
      if (list.length) next.byKind.set(kind, list);
      else next.byKind.delete(kind);
    }
    for (const [id, rs] of group([...change.removed, ...change.added], (r) => r.id)) {
      const before = this.byIdentity.get(id) ?? [];
      const list = patchList(before, change.added.filter((r) => r.id === id));
      if (list.length) next.byIdentity.set(id, list);
      else next.byIdentity.delete(id);
      const r = rs[0] as Resource;
      keys.add(ReadKey.identity(r, r.namespace, r.name));
      if (before.length > 1 || list.length > 1) keys.add(ReadKey.duplicates());
    }
    for (const [key, rs] of group(touched, (r) => `${kindId(r)}\u0000${r.namespace}`)) {
      const list = patchList(this.byKindNamespace.get(key), added.filter((r) => `${kindId(r)}\u0000${r.namespace}` === key));
      if (list.length) next.byKindNamespace.set(key, list);
      else next.byKindNamespace.delete(key);
      const r = rs[0] as Resource;
      keys.add(ReadKey.kind(r));
      keys.add(ReadKey.namespace(r, r.namespace));
    }
    for (const r of touched) {
      if (!isLinted(r)) continue;
      const kind = kindId(r);
      const before = next.present.get(kind) ?? 0;
      const after = before + (removedSet.has(r) ? -1 : 1);
      next.present.set(kind, after);
      if ((before === 0) !== (after === 0)) keys.add(ReadKey.exists(r));
    }

    // Derived tables are patched when they were built and the change touches what they hold.
    // Always kept (not only once built): which namespaces appear or vanish is a key every change must report.
    next.derived.namespaces = this.namespaceTable().patched(removed, added, keys);
    const workloadChanges = touched.filter((r) => WORKLOAD_KINDS.some((k) => sameKind(k, r)));
    for (const r of workloadChanges) {
      keys.add(ReadKey.workloads(r.namespace));
      keys.add(ReadKey.workloads("*"));
    }
    if (this.derived.workloads) {
      next.derived.workloads = workloadChanges.length
        ? this.derived.workloads.patched(removed.filter((r) => workloadChanges.includes(r)), added.filter((r) => workloadChanges.includes(r)))
        : this.derived.workloads;
    }

    for (const [name, state] of this.unions) {
      const patched = patchUnion(state, removed, added);
      if (patched === state) continue;
      next.unions.set(name, patched);
      if (patched.values !== state.values) keys.add(ReadKey.memo(name));
    }

    // Tables recompute the entries of changed objects and of objects whose entries read something that changed.
    // Memos whose inputs changed are dropped (and rebuilt by whoever asks next); facts are recomputed at once and
    // count as changed only when their value differs. They read each other, so this runs to a fixed point.
    const recomputed = new Map<string, Set<Resource>>();
    for (const [name, built] of [...this.tables.entries()]) {
      const state = this.traced(built);
      const patched: TableState = {
        ...state,
        buckets: state.buckets.derive(),
        contributions: state.contributions.derive(),
        dependents: state.dependents.derive(),
        owned: new Set(),
      };
      next.tables.set(name, patched);
      const changedKeys = new Set<string>();
      for (const r of removed) if (state.kinds.some((k) => sameKind(k, r))) next.withdraw(patched, r, changedKeys);
      for (const r of added) if (state.kinds.some((k) => sameKind(k, r))) next.contribute(patched, r, true, changedKeys);
      recomputed.set(name, new Set(added));
      for (const key of changedKeys) keys.add(ReadKey.table(name, key));
    }
    // Facts recomputed and found unchanged: their readers stay valid whatever else changes in later rounds.
    const settled = new Set<string>();
    for (let again = true; again; ) {
      again = false;
      for (const [name, state] of [...next.tables.entries()]) {
        const done = recomputed.get(name) ?? new Set<Resource>();
        recomputed.set(name, done);
        const stale = new Set<Resource>();
        for (const key of keys) for (const r of state.dependents.get(key) ?? []) if (!done.has(r)) stale.add(r);
        if (!stale.size) continue;
        const changedKeys = new Set<string>();
        for (const r of stale) {
          done.add(r);
          next.withdraw(state, r, changedKeys);
          next.contribute(state, r, true, changedKeys);
        }
        for (const key of changedKeys) {
          const readKey = ReadKey.table(name, key);
          if (!keys.has(readKey)) {
            keys.add(readKey);
            again = true;
          }
        }
      }
      for (const [name, entry] of [...next.memos.entries()]) {
        const memoKey = ReadKey.memo(name);
        // The change's keys are few, a memo's inputs may be many: look each key up rather than scan the inputs.
        if (keys.has(memoKey) || settled.has(name) || ![...keys].some((k) => entry.deps.has(k))) continue;
        if (entry.fact) {
          const deps = new Set([...entry.deps].filter((d) => d.startsWith("K ")));
          const value = next.recordInto(deps, () => entry.fact!(next));
          next.memos.set(name, { value, deps, fact: entry.fact });
          if (Object.is(value, entry.value)) {
            settled.add(name);
            continue;
          }
        } else {
          next.memos.delete(name);
        }
        keys.add(memoKey);
        again = true;
      }
    }
    next.derivedFrom = { index: this, change: readable, keys };
    return { index: next, keys };
  }

  private unrecorded(kind: KindKey): readonly Resource[] {
    return this.byKind.get(kindId(kind)) ?? [];
  }

  private namespaceTable(): CountedNamespaces {
    return (this.derived.namespaces ??= CountedNamespaces.build(this.list, this.unrecorded(K.Namespace)));
  }
}

/** Marks a bucket or set as made by this (patched) state, so that later steps of the same patch change it in place. */
function own<T>(state: TableState, value: T): T {
  state.owned?.add(value);
  return value;
}

/** A union after a change: the same state when the changed objects contribute nothing, the same set when no string comes or goes. */
function patchUnion(state: UnionState, removed: readonly Resource[], added: readonly Resource[]): UnionState {
  const delta = new Map<string, number>();
  for (const [rs, by] of [[removed, -1], [added, 1]] as const) {
    for (const r of rs) for (const v of new Set(state.valuesOf(r))) delta.set(v, (delta.get(v) ?? 0) + by);
  }
  if (![...delta.values()].some((d) => d !== 0)) return state;
  const counts = new Map(state.counts);
  let appearedOrVanished = false;
  for (const [v, d] of delta) {
    const before = counts.get(v) ?? 0;
    const after = before + d;
    if (after > 0) counts.set(v, after);
    else counts.delete(v);
    if ((before > 0) !== (after > 0)) appearedOrVanished = true;
  }
  return { valuesOf: state.valuesOf, counts, values: appearedOrVanished ? new Set(counts.keys()) : state.values };
}

/** The namespace table, with the number of objects in each namespace so that a change knows when one appears or goes. */
class CountedNamespaces implements NamespaceTable {
  private log: ReadLog | undefined;

  private constructor(
    private readonly counts: Map<string, number>,
    private readonly declaredByName: Map<string, Resource>,
    private readonly nameSet: ReadonlySet<string>,
  ) {}

  /** Reading the whole set reads whether any namespace appears or goes. */
  get names(): ReadonlySet<string> {
    this.log?.key(ReadKey.namespaceExists("*"));
    return this.nameSet;
  }

  static build(resources: readonly Resource[], namespaceObjects: readonly Resource[]): CountedNamespaces {
    const declared = new Map<string, Resource>();
    for (const ns of namespaceObjects) if (!declared.has(ns.name)) declared.set(ns.name, ns);
    const counts = new Map<string, number>();
    for (const name of declared.keys()) counts.set(name, 0);
    for (const r of resources) if (r.namespace) counts.set(r.namespace, (counts.get(r.namespace) ?? 0) + 1);
    return new CountedNamespaces(counts, declared, new Set(counts.keys()));
  }

  recorded(log: ReadLog): NamespaceTable {
    return copyWith(this, { log });
  }

  exists(name: string): boolean {
    this.log?.key(ReadKey.namespaceExists(name));
    return this.nameSet.has(name);
  }

  declared(name: string): Resource | undefined {
    this.log?.key(ReadKey.identity(K.Namespace, "", name));
    return this.declaredByName.get(name);
  }

  /** The table after a change; adds the keys of namespaces that appeared or disappeared. */
  patched(removed: readonly Resource[], added: readonly Resource[], keys: Set<string>): CountedNamespaces {
    // Most changes (an update in place) leave every namespace's count as it was: nothing to copy.
    if (![...removed, ...added].some((r) => sameKind(r, K.Namespace))) {
      const delta = new Map<string, number>();
      for (const r of removed) if (r.namespace) delta.set(r.namespace, (delta.get(r.namespace) ?? 0) - 1);
      for (const r of added) if (r.namespace) delta.set(r.namespace, (delta.get(r.namespace) ?? 0) + 1);
      if ([...delta.values()].every((d) => d === 0)) return this;
    }
    const counts = new Map(this.counts);
    const declared = new Map(this.declaredByName);
    for (const r of removed) {
      if (r.namespace) counts.set(r.namespace, (counts.get(r.namespace) ?? 1) - 1);
      if (sameKind(r, K.Namespace) && declared.get(r.name) === r) declared.delete(r.name);
    }
    for (const r of added) {
      if (r.namespace) counts.set(r.namespace, (counts.get(r.namespace) ?? 0) + 1);
      if (sameKind(r, K.Namespace) && !declared.has(r.name)) declared.set(r.name, r);
    }
    // A Namespace object that was a second definition may now be the first one.
    for (const r of removed) {
      if (!sameKind(r, K.Namespace) || declared.has(r.name)) continue;
      const other = added.find((a) => sameKind(a, K.Namespace) && a.name === r.name);
      if (other) declared.set(r.name, other);
    }
    const names = new Set<string>(declared.keys());
    for (const [name, n] of counts) {
      if (n > 0) names.add(name);
      else if (!declared.has(name)) counts.delete(name);
    }
    for (const name of new Set([...this.nameSet, ...names])) {
      if (this.nameSet.has(name) !== names.has(name)) {
        keys.add(ReadKey.namespaceExists(name));
        keys.add(ReadKey.namespaceExists("*"));
      }
    }
    return new CountedNamespaces(counts, declared, names);
  }
}

/** Resources from raw manifests: namespaces defaulted, cluster-scoped kinds known from built-ins and the repository's CRDs. */
export function resourcesFromRaw(raw: readonly RawResource[], settings: Settings): Resource[] {
  const clusterScoped = new Set<string>();
  for (const r of raw) {
    if (r.kind !== "CustomResourceDefinition") continue;
    const s = asObject(r.data.spec);
    const kind = asString(asObject(s?.names)?.kind);
    if (kind && s?.scope === "Cluster") clusterScoped.add(`${asString(s.group) ?? ""}/${kind}`);
  }
  return raw.map((r) => {
    const { group, version } = parseApiVersion(r.apiVersion);
    const key = { group, kind: r.kind };
    const meta = asObject(r.data.metadata) ?? {};
    const written = asString(meta.namespace);
    const cluster = isBuiltinClusterScoped(key) || clusterScoped.has(`${group}/${r.kind}`);
    // The API server always fills the namespace of namespaced objects; a cluster's object without one is cluster-scoped.
    const namespace = cluster ? "" : written || (r.origin.kind === "cluster" ? "" : settings.defaultNamespace);
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
}

function push<V>(map: Map<string, V[]>, key: string, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Where `r` itself is in `list` (kept in compareResources order), or -1. */
function positionIn(list: readonly Resource[], r: Resource): number {
  let i = orderedPosition(list, r, (x) => x) - 1;
  while (i >= 0 && list[i] !== r && compareResources(list[i]!, r) === 0) i--;
  return i >= 0 && list[i] === r ? i : -1;
}
