import { type KindKey, kindId } from "../model/kinds.js";
import { type Resource, isLinted } from "../model/resource.js";
import { ANY_KIND, type IndexChange, type ResourceIndex } from "../model/resource-index.js";
import { type GlobalRule, type Report, type ResourceRule, type Rule, isGlobalRule, isResourceRule } from "./rule.js";
import { type PendingReport, type RunInputs, checkKnown } from "./runner.js";

/** One unit of work: a resource rule on one object, or a whole-index rule. */
export interface Check {
  readonly rule: ResourceRule | GlobalRule;
  readonly target: Resource | undefined;
  /** Read keys (interned) of its last run. */
  keys: readonly number[];
  reports: readonly PendingReport[];
}

/** What a change does, before it is committed. */
export interface Preview {
  readonly index: ResourceIndex;
  /** Checks of objects that are gone. */
  readonly dropped: readonly Check[];
  /** Checks that ran again, with their new results. */
  readonly rerun: readonly { readonly check: Check; readonly reports: readonly PendingReport[]; readonly keys: readonly string[] }[];
  /** Checks of objects that are new (their `keys` empty until committed). */
  readonly fresh: readonly Check[];
  /** The read keys of each fresh check, in order. Interned only on commit: a preview leaves the engine as it was. */
  readonly freshKeys: readonly (readonly string[])[];
}

/**
 * Runs the rules once over an index, remembering for every check what it read (see ReadKey), and afterwards
 * re-runs only the checks whose answer a change can alter: the checks of changed objects, and the checks whose
 * earlier run asked a question the change answers differently (including questions that would now find a new
 * object: "DestinationRules in namespace shop", "Services for host reviews.shop.svc.cluster.local").
 *
 * `preview` evaluates a change without committing it (an admission request); `apply` commits it (a watch event,
 * an editor edit). Results equal a full run over the changed index; test/engine/incremental.test.ts checks that on
 * every fixture.
 */
export class IncrementalEngine {
  private index: ResourceIndex;
  private readonly resourceRules: readonly ResourceRule[];
  private readonly globalRules: readonly GlobalRule[];
  private readonly checksByTarget = new Map<Resource, Check[]>();
  private readonly globalChecks: Check[] = [];
  /** When each target's checks were first added: their place in a full run's order (see `reports`). */
  private readonly targetOrder = new Map<Resource, number>();
  /** Committed checks that have reports: most have none, and an edit must not cost a walk over every check. */
  private readonly reporting = new Set<Check>();
  private readonly byKey = new Map<number, Set<Check>>();
  private readonly keyIds = new Map<string, number>();
  /** Resource rules by the kind they target. */
  private readonly targeting = new Map<string, readonly ResourceRule[]>();
  /** Kinds each rule read, by rule id (what runRules reports, for the reads test and the cluster reader). */
  readonly reads = new Map<string, Set<string>>();
  private nextTarget = 0;
  /** Checks run since the engine was made (a measure of how much a change cost). */
  checksRun = 0;

  constructor(
    index: ResourceIndex,
    rules: readonly Rule[],
    private readonly internalError: Rule,
    private readonly run: RunInputs,
  ) {
    this.index = index;
    this.resourceRules = rules.filter(isResourceRule);
    this.globalRules = rules.filter(isGlobalRule);
    for (const rule of [...this.resourceRules, ...this.globalRules]) this.reads.set(rule.meta.id, new Set());
    for (const rule of this.resourceRules) {
      for (const kind of rule.target) this.reads.get(rule.meta.id)!.add(kindId(kind));
      for (const kind of rule.target) {
        for (const target of index.all(kind)) if (isLinted(target)) this.addCheck(this.committed(this.runCheck(rule, target, index)));
      }
    }
    for (const rule of this.globalRules) {
      const check = this.committed(this.runCheck(rule, undefined, index));
      this.globalChecks.push(check);
      this.indexCheck(check);
    }
  }

  get current(): ResourceIndex {
    return this.index;
  }

  /**
   * Every pending report, in rule order and within a rule in the order a full run makes them (targets in index
   * order, then whole-index checks, then a preview's new objects); with a preview, as if it were committed.
   */
  reports(preview?: Preview): PendingReport[] {
    const rerun = new Map(preview?.rerun.map((r) => [r.check, r.reports]));
    const dropped = new Set(preview?.dropped);
    const rank = new Map([...this.resourceRules, ...this.globalRules].map((r, i) => [r.meta.id, i]));
    const placed: { check: Check; reports: readonly PendingReport[]; place: readonly number[] }[] = [];
    const place = (c: Check, fresh: number): number[] => {
      const rule = rank.get(c.rule.meta.id)!;
      if (fresh >= 0) return [rule, 2, fresh];
      if (!c.target) return [rule, 1, this.globalChecks.indexOf(c)];
      return [rule, 0, this.targetOrder.get(c.target)!, this.checksByTarget.get(c.target)!.indexOf(c)];
    };
    for (const c of new Set([...this.reporting, ...rerun.keys()])) {
      const reports = rerun.get(c) ?? c.reports;
      if (!dropped.has(c) && reports.length) placed.push({ check: c, reports, place: place(c, -1) });
    }
    preview?.fresh.forEach((c, i) => {
      if (c.reports.length) placed.push({ check: c, reports: c.reports, place: place(c, i) });
    });
    placed.sort((a, b) => {
      for (let i = 0; i < Math.max(a.place.length, b.place.length); i++) {
        const d = (a.place[i] ?? 0) - (b.place[i] ?? 0);
        if (d) return d;
      }
      return 0;
    });
    return placed.flatMap((p) => p.reports);
  }

  /** The checks of one object (its own findings). */
  checksOf(target: Resource): readonly Check[] {
    return this.checksByTarget.get(target) ?? [];
  }

  /** Evaluates a change without committing it. */
  preview(change: IndexChange): Preview {
    const { index: next, keys } = this.index.withChange(change);
    const removed = new Set(change.removed);
    const affected = new Set<Check>();
    for (const key of keys) {
      const id = this.keyIds.get(key);
      if (id === undefined) continue;
      for (const check of this.byKey.get(id) ?? []) affected.add(check);
    }
    const dropped = change.removed.flatMap((r) => this.checksByTarget.get(r) ?? []);
    const rerun = [...affected]
      .filter((c) => !c.target || !removed.has(c.target))
      .map((check) => ({ check, ...this.runCheck(check.rule, check.target, next) }));
    const ran = change.added.filter(isLinted).flatMap((target) => this.rulesTargeting(target).map((rule) => this.runCheck(rule, target, next)));
    const fresh = ran.map(({ rule, target, reports }): Check => ({ rule, target, keys: [], reports }));
    return { index: next, dropped, rerun, fresh, freshKeys: ran.map((r) => r.keys) };
  }

  /** Commits a change; returns what it did. */
  apply(change: IndexChange): Preview {
    const preview = this.preview(change);
    this.commit(preview);
    return preview;
  }

  /** Commits a preview made against the current index. */
  commit(preview: Preview): void {
    for (const check of preview.dropped) this.unindexCheck(check);
    for (const target of new Set(preview.dropped.map((c) => c.target))) {
      if (!target) continue;
      this.checksByTarget.delete(target);
      this.targetOrder.delete(target);
    }
    for (const { check, reports, keys } of preview.rerun) {
      this.unindexCheck(check);
      check.reports = reports;
      check.keys = keys.map((k) => this.intern(k));
      this.indexCheck(check);
    }
    preview.fresh.forEach((check, i) => {
      check.keys = preview.freshKeys[i]!.map((k) => this.intern(k));
      this.addCheck(check);
    });
    this.index = preview.index;
    this.index.settle();
  }

  private rulesTargeting(r: Resource): readonly ResourceRule[] {
    const kind = kindId(r);
    let rules = this.targeting.get(kind);
    if (!rules) {
      rules = this.resourceRules.filter((rule) => rule.target.some((k) => k === ANY_KIND || (k.kind === r.kind && k.group === r.group)));
      this.targeting.set(kind, rules);
    }
    return rules;
  }

  private addCheck(check: Check): void {
    const target = check.target!;
    const list = this.checksByTarget.get(target);
    if (list) list.push(check);
    else {
      this.checksByTarget.set(target, [check]);
      this.targetOrder.set(target, this.nextTarget++);
    }
    this.indexCheck(check);
  }

  private indexCheck(check: Check): void {
    if (check.reports.length) this.reporting.add(check);
    for (const id of check.keys) {
      const set = this.byKey.get(id);
      if (set) set.add(check);
      else this.byKey.set(id, new Set([check]));
    }
  }

  private unindexCheck(check: Check): void {
    this.reporting.delete(check);
    for (const id of check.keys) this.byKey.get(id)?.delete(check);
  }

  private intern(key: string): number {
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = this.keyIds.size;
      this.keyIds.set(key, id);
    }
    return id;
  }

  private committed(ran: Ran): Check {
    return { rule: ran.rule, target: ran.target, keys: ran.keys.map((k) => this.intern(k)), reports: ran.reports };
  }

  /** Runs one check against `index`, recording its reads; a rule that throws becomes an internal-error report. */
  private runCheck(rule: ResourceRule | GlobalRule, target: Resource | undefined, index: ResourceIndex): Ran {
    this.checksRun++;
    const reports: PendingReport[] = [];
    const keys = new Set<string>();
    const kinds = this.reads.get(rule.meta.id)!;
    const seen = new Set<KindKey>();
    const view = index.view({
      kind: (k) => {
        if (seen.has(k)) return;
        seen.add(k);
        kinds.add(kindId(k));
      },
      key: (k) => keys.add(k),
    });
    const ctx = {
      index: view,
      settings: index.settings,
      config: this.run.config,
      cwd: this.run.cwd,
      report: (report: Report) => reports.push({ rule, report }),
    };
    try {
      if (isResourceRule(rule)) checkKnown(reports, () => rule.check(target!, ctx));
      else rule.checkAll(ctx);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      reports.push({
        rule: this.internalError,
        report: {
          resource: target,
          messageId: target ? "ruleFailed" : "globalRuleFailed",
          data: { rule: rule.meta.id, detail: detail.split("\n")[0] ?? detail },
        },
      });
    }
    return { rule, target, keys: [...keys], reports };
  }
}

/** A check's run: what it reported and the read keys it asked. */
interface Ran {
  readonly rule: ResourceRule | GlobalRule;
  readonly target: Resource | undefined;
  readonly keys: readonly string[];
  readonly reports: PendingReport[];
}
