import { type JsonObject, asObject, asString, deepFreeze } from "../base/json.js";
import type { Config } from "../engine/config.js";
import type { RuleCatalog } from "../engine/catalog.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import { finalize } from "../engine/finalize.js";
import { type Check, IncrementalEngine, type Preview } from "../engine/incremental.js";
import type { Rule } from "../engine/rule.js";
import { type PendingReport, runRulesInSlices } from "../engine/runner.js";
import type { RawResource } from "../load/load.js";
import type { Origin } from "../load/origin.js";
import { WORKLOAD_TEMPLATES, sameKind } from "../model/kinds.js";
import type { Resource } from "../model/resource.js";
import { type IndexChange, type ResourceIndex, resourcesFromRaw } from "../model/resource-index.js";
import { completeChange } from "../project/project.js";
import type { AdmissionRequest } from "./admission.js";

/** An object in an admission request: checked like a cluster's object (no file, so no line). */
const ADMISSION_ORIGIN: Origin = Object.freeze({ kind: "cluster", locate: () => undefined });

/** A change as the watcher reports it. */
export interface LiveEvent {
  readonly type: "added" | "modified" | "deleted";
  readonly raw: RawResource;
}

/** What an admission request would do: findings on its own object, and findings it newly causes on others. */
export interface Evaluation {
  readonly own: readonly Diagnostic[];
  readonly caused: readonly Diagnostic[];
  /** Why the request was not evaluated (a terminating namespace, an object being deleted), if it was not. */
  readonly exempt?: string;
}

/**
 * The cluster as the webhook knows it: an incremental engine over the watched objects. Watch events are applied
 * (each re-runs only what it can change); an admission request is previewed against the same state, never applied
 * (the API server may still reject it, and the watch will report it if it is stored).
 */
export class LiveIndex {
  private engine: IncrementalEngine;

  constructor(
    index: ResourceIndex,
    rules: readonly Rule[],
    internalError: Rule,
    private readonly catalog: RuleCatalog,
    private readonly config: Config,
    cwd: string,
  ) {
    this.engine = new IncrementalEngine(index, rules, internalError, { config, cwd });
  }

  get index(): ResourceIndex {
    return this.engine.current;
  }

  /** Applies watch events; returns how many checks ran. */
  apply(events: readonly LiveEvent[]): number {
    const index = this.engine.current;
    const removed: Resource[] = [];
    const added: Resource[] = [];
    const fresh = resourcesFromRaw(
      events.map((e) => e.raw),
      index.settings,
    );
    events.forEach((event, i) => {
      const r = fresh[i]!;
      const before = index.definitions(r, r.namespace, r.name).filter((x) => x.origin.kind !== "installation");
      if (event.type !== "deleted" && before.length === 1 && sameContent(before[0]!, r)) return;
      removed.push(...before.filter((x) => !removed.includes(x)));
      if (event.type !== "deleted") added.push(r);
    });
    if (!removed.length && !added.length) return 0;
    const ran = this.engine.checksRun;
    this.engine.apply(completeChange(index, { removed, added }));
    return this.engine.checksRun - ran;
  }

  /** What admitting the request would do. */
  evaluate(request: AdmissionRequest): Evaluation {
    const index = this.engine.current;
    const ns = index.namespaces().declared(request.namespace);
    if (ns && (asString(asObject(ns.data.metadata)?.deletionTimestamp) || asString(asObject(ns.data.status)?.phase) === "Terminating")) {
      return { own: [], caused: [], exempt: `namespace "${request.namespace}" is being deleted` };
    }
    const object = request.operation === "DELETE" ? undefined : request.object;
    if (object && asString(asObject(object.metadata)?.deletionTimestamp)) return { own: [], caused: [], exempt: "the object is being deleted" };
    const target = object ? this.resourceOf(request, object) : undefined;
    const kind = { group: request.kind.group, kind: request.kind.kind };
    const before = index.definitions(kind, target?.namespace ?? request.namespace, target?.name ?? request.name).filter((x) => x.origin.kind === "cluster");
    const change: IndexChange = { removed: before, added: target ? [target] : [] };
    const preview = this.engine.preview(completeChange(index, change));
    return this.findings(preview, target);
  }

  /**
   * Lints the whole current state from scratch (the audit; also a check on the incremental state) in slices of
   * `sliceMs`, so that requests are still answered while it runs (a full lint of 10,000 objects is seconds of
   * work). It judges the index of the moment it started, and compares with the incremental state of that moment.
   */
  async audit(rules: readonly Rule[], internalError: Rule, cwd: string, sliceMs = 5): Promise<{ diagnostics: readonly Diagnostic[]; drift: number }> {
    const index = this.engine.current;
    const incremental = new Set(this.finish(this.engine.reports()).map(key));
    const full = await runRulesInSlices(index, rules, internalError, { config: this.config, cwd }, sliceMs);
    const diagnostics = this.finish(full.reports);
    const fullKeys = new Set(diagnostics.map(key));
    let drift = 0;
    for (const k of fullKeys) if (!incremental.has(k)) drift++;
    for (const k of incremental) if (!fullKeys.has(k)) drift++;
    return { diagnostics, drift };
  }

  private resourceOf(request: AdmissionRequest, object: JsonObject): Resource {
    const metadata = asObject(object.metadata) ?? {};
    const apiVersion = asString(object.apiVersion) ?? (request.kind.group ? `${request.kind.group}/${request.kind.version}` : request.kind.version);
    const data = deepFreeze({
      ...object,
      apiVersion,
      kind: request.kind.kind,
      metadata: { ...metadata, ...(request.namespace && !asString(metadata.namespace) ? { namespace: request.namespace } : {}), ...(asString(metadata.name) ? {} : { name: request.name }) },
    }) as JsonObject;
    return resourcesFromRaw([{ apiVersion, kind: request.kind.kind, data, origin: ADMISSION_ORIGIN }], this.engine.current.settings)[0]!;
  }

  /** Own findings (on the new object) and findings the change newly causes on other objects. */
  private findings(preview: Preview, target: Resource | undefined): Evaluation {
    const own: PendingReport[] = [];
    const after: PendingReport[] = [];
    const before: PendingReport[] = [];
    for (const check of preview.fresh) own.push(...check.reports);
    const split = (check: Check, reports: readonly PendingReport[]) => {
      for (const r of reports) (target && r.report.resource === target ? own : after).push(r);
      before.push(...check.reports);
    };
    for (const { check, reports } of preview.rerun) split(check, reports);
    const known = new Set(this.finish(before).map(key));
    return { own: this.finish(own), caused: this.finish(after).filter((d) => !known.has(key(d))) };
  }

  private finish(reports: readonly PendingReport[]): Diagnostic[] {
    return finalize(reports, [], this.catalog, this.config).diagnostics;
  }
}

const key = (d: Diagnostic): string => `${d.fingerprint}\u0000${d.path.join(".")}`;

/** Kinds whose status no rule reads: a status-only update of one (a rollout's progress) changes nothing. */
const STATUS_BLIND = WORKLOAD_TEMPLATES.map((w) => w.kind);

/** Whether two versions of an object differ only in what the API server maintains (resourceVersion, generation). */
function sameContent(a: Resource, b: Resource): boolean {
  return signature(a) === signature(b);
}

const signatures = new WeakMap<Resource, string>();
const SERVER_MAINTAINED = new Set(["resourceVersion", "generation", "managedFields"]);

function signature(r: Resource): string {
  let s = signatures.get(r);
  if (s === undefined) {
    const keepStatus = !STATUS_BLIND.some((k) => sameKind(k, r));
    s = JSON.stringify(r.data, (key, value: unknown) => (SERVER_MAINTAINED.has(key) || (key === "status" && !keepStatus) ? undefined : value));
    signatures.set(r, s);
  }
  return s;
}
