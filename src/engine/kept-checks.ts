import { createHash } from "node:crypto";
import { positionReads } from "../load/source-file.js";
import { type KindKey, kindId } from "../model/kinds.js";
import type { ReadLog } from "../model/read-log.js";
import { ANY_KIND, type IndexChange, type ResourceIndex } from "../model/resource-index.js";
import { type Resource, isLinted } from "../model/resource.js";
import { type GlobalRule, type RelatedReport, type Report, type ResourceRule, type Rule, isGlobalRule, isResourceRule } from "./rule.js";
import { type PendingReport, type RunInputs, type RunResult, checkKnown, failedCheck } from "./runner.js";

/**
 * A run's rule checks as plain data (what `--cache` keeps between runs): for every check, the read keys it asked
 * (see ReadKey) and what it reported, with objects named by their place in the index. Checks that read nothing and
 * reported nothing are left out: they depend on their target alone.
 */
export interface KeptChecks {
  /** The rules that ran, by id, in order: checks are reused only by a run of the same rules. */
  readonly rules: readonly string[];
  /** Each index object's key (see KeptRunInputs.objectKey), in index order: the index the checks ran on. */
  readonly objects: readonly string[];
  /** The texts the objects were read from (see KeptRunInputs.textKey): an object read from another text has moved. */
  readonly texts: readonly string[];
  /** What each table, memo, fact and union read (`M name`, `T name` → a key set), as far as known. */
  readonly derived: Readonly<Record<string, number>>;
  /** The read keys, referred to by number. */
  readonly keys: readonly string[];
  /** Sets of read keys (numbers into `keys`), referred to by number. */
  readonly keySets: readonly (readonly number[])[];
  /**
   * By rule id: [target kind's place in rule.target (0 for a whole-index rule), target's place in `objects` (-1: none),
   * key set (-1: none; ALWAYS_RUNS: a check whose reports cannot be kept), reports?].
   */
  readonly checks: Readonly<Record<string, readonly KeptCheck[]>>;
  /** Kinds each rule read, by rule id. */
  readonly reads: Readonly<Record<string, readonly string[]>>;
  /**
   * Digests of memo values (plain data only, see plainDigest), by memo name: a memo a change drops is compared with
   * its kept digest instead of being built on the previous index as well.
   */
  readonly memoDigests?: Readonly<Record<string, string>>;
}

export type KeptCheck = readonly [number, number, number] | readonly [number, number, number, readonly KeptReport[]];

/** A report with its objects named by their place in KeptChecks.objects. */
export interface KeptReport extends Omit<Report, "resource" | "related"> {
  /** Only for the internal-error rule's reports (a check that threw); else the check's rule. */
  readonly rule?: string;
  readonly resource: number;
  readonly related?: readonly (Omit<RelatedReport, "resource"> & { readonly resource: number })[];
}

export interface KeptRunInputs {
  /**
   * A key naming an object and everything a check may read of it but positions (its file, its place in the file, its
   * data): the same key in two runs means the same object. Undefined for an object that cannot be named (nothing is
   * kept then).
   */
  readonly objectKey: (r: Resource) => string | undefined;
  /** A key naming the text an object was read from (its file's, or its data for objects without one). */
  readonly textKey: (r: Resource) => string;
  /** The previous run's checks, when there are any for this configuration. */
  readonly previous?: KeptChecks;
  /** The previous run's objects that are not in this index, by key (undefined when one cannot be had). */
  readonly previousObjects?: (keys: readonly string[]) => ReadonlyMap<string, Resource> | undefined;
  /** Completes a change with what it alters besides its objects (the installation's assumed objects). */
  readonly complete?: (index: ResourceIndex, change: IndexChange) => IndexChange;
}

export interface KeptRunResult extends RunResult {
  /** This run's checks, to keep; undefined when an object had no key. */
  readonly kept: KeptChecks | undefined;
  /** Checks run and checks whose previous result was reused; why nothing was reused, when nothing was. */
  readonly stats: { readonly ran: number; readonly reused: number; readonly fullRun?: string };
}

interface CheckResult {
  readonly keys: ReadonlySet<string>;
  readonly reports: readonly PendingReport[];
}

/**
 * The key set of a check that runs on every run: one that reported on an object outside the index (an access
 * assertion of the configuration), which cannot be named in kept reports. Kept as such, not left out: a check left
 * out is one that read and reported nothing, and would be taken as reusable.
 */
const ALWAYS_RUNS = -2;

/** Where a check's target is: its place in the index (-1: a whole-index rule), with the target kind's place. */
const slotCode = (place: number, kindAt: number) => (place + 1) * 64 + kindAt;

const NO_REPORTS: readonly PendingReport[] = Object.freeze([]);

/** Whether a rule's kept list (in the order its checks ran: target kind, then place) holds a check at `code`. */
function holdsSlot(list: readonly KeptCheck[], code: number): boolean {
  const kindAt = code % 64;
  const at = Math.floor(code / 64) - 1;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = list[mid]!;
    if (c[0] < kindAt || (c[0] === kindAt && c[1] < at)) lo = mid + 1;
    else hi = mid;
  }
  const found = list[lo];
  return found !== undefined && found[0] === kindAt && found[1] === at;
}

/**
 * Runs the rules like runRules (the same reports in the same order), recording what every check read, and reuses
 * the previous run's result of every check whose answer the difference between the two indexes cannot alter: its
 * target is the same object, and no read key it asked is one the difference touches. The difference's keys are
 * those of the change from this index back to the previous one (ResourceIndex.withChange: the same keys either
 * way), computed after every table and memo a kept check read was built here, so that their changed keys are known.
 * The previous index is rebuilt from this one and the previous run's objects, and must list the same objects in the
 * same order as the previous run, or everything runs again.
 */
export function runRulesKeeping(
  index: ResourceIndex,
  rules: readonly Rule[],
  internalError: Rule,
  run: RunInputs,
  inputs: KeptRunInputs,
): KeptRunResult {
  const active = rules.filter((r): r is ResourceRule | GlobalRule => isResourceRule(r) || isGlobalRule(r));
  const reads = new Map<string, Set<string>>();
  for (const rule of active) reads.set(rule.meta.id, new Set(isResourceRule(rule) ? rule.target.map(kindId) : []));
  const objects = index.all(ANY_KIND);
  const keys: string[] = [];
  const place = new Map<Resource, number>();
  let nameable = true;
  objects.forEach((r, i) => {
    const key = inputs.objectKey(r);
    if (key === undefined) nameable = false;
    keys.push(key ?? "");
    place.set(r, i);
  });
  if (nameable && new Set(keys).size !== keys.length) nameable = false;
  const runner = new CheckRunner(index, run, internalError, reads);
  const plan = nameable && inputs.previous ? planReuse({ index, objects, keys, place, active, runner, inputs, previous: inputs.previous, internalError, run }) : { fullRun: nameable ? "nothing kept" : "an object has no key" };
  const previous = "reuse" in plan ? inputs.previous : undefined;
  const record = new KeptBuilder(previous, place);

  let reused = 0;
  const reports: PendingReport[] = [];
  const visit = (rule: ResourceRule | GlobalRule, kindAt: number, target: Resource | undefined) => {
    const code = slotCode(target ? place.get(target)! : -1, kindAt);
    let result = "reuse" in plan ? plan.ran.get(rule)?.get(code) : undefined;
    if (!result && "reuse" in plan && !(target && plan.isNew.has(target))) {
      const check = plan.reuse(rule.meta.id)?.get(slotCode(target ? plan.oldPlace[place.get(target)!]! : -1, kindAt));
      // A check that read nothing and reported nothing depends on its target alone.
      if (!check) {
        reused++;
        return;
      }
      const kept = check[2] === ALWAYS_RUNS || plan.stale[check[2]] ? undefined : plan.reportsOf(check, rule);
      if (kept) {
        reused++;
        for (const p of kept) reports.push(p);
        record.reuse(rule, check, target, kept);
        return;
      }
    }
    result ??= runner.run(rule, target);
    for (const p of result.reports) reports.push(p);
    record.fresh(rule, kindAt, target, result);
  };
  // With every object where it was (the changed ones replaced in place), a rule's kept list is walked in order
  // instead of visiting every target: the list is in the order its checks ran (target kind, then place), and the
  // checks of new objects are merged in at their places. A target with no kept check read and reported nothing.
  const reuseInPlace = (rule: ResourceRule): boolean => {
    if (!("reuse" in plan) || !plan.samePlaces) return false;
    const list = previous!.checks[rule.meta.id] ?? [];
    const early = plan.ran.get(rule);
    const news: [number, Resource][] = [];
    rule.target.forEach((kind, kindAt) => {
      for (const r of plan.isNew) if (isLinted(r) && (kind === ANY_KIND || (kind.kind === r.kind && kind.group === r.group))) news.push([kindAt, r]);
    });
    news.sort((a, b) => a[0] - b[0] || place.get(a[1])! - place.get(b[1])!);
    // Checks run while planning are those of new objects and of kept checks (readers of what had to be built).
    if (early) {
      const newCodes = new Set(news.map(([kindAt, r]) => slotCode(place.get(r)!, kindAt)));
      for (const code of early.keys()) if (!newCodes.has(code) && !holdsSlot(list, code)) return false;
    }
    let ranHere = 0;
    const runFresh = (kindAt: number, target: Resource | undefined) => {
      ranHere++;
      const result = early?.get(slotCode(target ? place.get(target)! : -1, kindAt)) ?? runner.run(rule, target);
      for (const p of result.reports) reports.push(p);
      record.fresh(rule, kindAt, target, result);
    };
    let n = 0;
    for (const check of list) {
      for (; n < news.length && (news[n]![0] < check[0] || (news[n]![0] === check[0] && place.get(news[n]![1])! < check[1])); n++) runFresh(news[n]![0], news[n]![1]);
      const target = check[1] < 0 ? undefined : objects[check[1]];
      // The previous object at a place a new one took: the new one's check runs in its place.
      if (target && plan.isNew.has(target)) continue;
      const code = slotCode(check[1], check[0]);
      const kept = early?.has(code) || check[2] === ALWAYS_RUNS || (check[2] >= 0 && plan.stale[check[2]]) ? undefined : plan.reportsOf(check, rule);
      if (!kept) {
        runFresh(check[0], target);
        continue;
      }
      for (const p of kept) reports.push(p);
      record.reuse(rule, check, target, kept);
    }
    for (; n < news.length; n++) runFresh(news[n]![0], news[n]![1]);
    for (const kind of rule.target) reused += plan.lintedCount(kind);
    reused -= ranHere;
    return true;
  };
  for (const rule of active) {
    if (isResourceRule(rule)) {
      if (reuseInPlace(rule)) continue;
      rule.target.forEach((kind, kindAt) => {
        for (const target of index.all(kind)) if (isLinted(target)) visit(rule, kindAt, target);
      });
    } else visit(rule, 0, undefined);
  }
  if (previous) for (const [id, kinds] of Object.entries(previous.reads)) for (const k of kinds) reads.get(id)?.add(k);
  const kept = nameable ? record.finish(active, keys, [...new Set(objects.map(inputs.textKey))], index.derivedReads(), reads, "reuse" in plan ? plan.memoDigests : {}) : undefined;
  return { reports, reads, kept, stats: { ran: runner.ran, reused, ...("fullRun" in plan ? { fullRun: plan.fullRun } : {}) } };
}

interface Plan {
  /** Checks that ran while planning, by rule and slot code. */
  readonly ran: ReadonlyMap<Rule, ReadonlyMap<number, CheckResult>>;
  /** Kept checks of a rule (by id) by slot code (the previous run's places); built when first asked. */
  reuse(id: string): ReadonlyMap<number, KeptCheck> | undefined;
  /** Whether each kept key set holds a key the difference touches. */
  readonly stale: readonly boolean[];
  /** The previous run's place of each object of this index (-1: new). */
  readonly oldPlace: Int32Array;
  readonly isNew: ReadonlySet<Resource>;
  /** Whether every object is where it was in the previous index (the changed ones replaced in place). */
  readonly samePlaces: boolean;
  /** How many linted objects of a kind (ANY_KIND: of every kind) the index holds: the checks a rule runs on it. */
  lintedCount(kind: KindKey): number;
  /** Memo digests that hold for this index (see KeptChecks.memoDigests). */
  readonly memoDigests: Readonly<Record<string, string>>;
  /** A kept check's reports on this index's objects; undefined when one names an object that is gone. */
  reportsOf(check: KeptCheck, rule: Rule): readonly PendingReport[] | undefined;
}

/** Decides which kept checks still hold; runs the checks that must run before the difference's keys are known. */
function planReuse(p: {
  index: ResourceIndex;
  objects: readonly Resource[];
  keys: readonly string[];
  place: ReadonlyMap<Resource, number>;
  active: readonly (ResourceRule | GlobalRule)[];
  runner: CheckRunner;
  inputs: KeptRunInputs;
  previous: KeptChecks;
  internalError: Rule;
  run: RunInputs;
}): Plan | { fullRun: string } {
  const { index, objects, keys, place, active, runner, inputs, previous } = p;
  if (previous.rules.length !== active.length || active.some((r, i) => r.meta.id !== previous.rules[i])) return { fullRun: "other rules ran" };
  const now = new Map<string, number>();
  keys.forEach((key, i) => now.set(key, i));
  const newPlace = new Int32Array(previous.objects.length);
  const oldPlace = new Int32Array(objects.length).fill(-1);
  const gone: string[] = [];
  previous.objects.forEach((key, i) => {
    const at = now.get(key) ?? -1;
    newPlace[i] = at;
    if (at < 0) gone.push(key);
    else oldPlace[at] = i;
  });
  const added = objects.filter((_, i) => oldPlace[i]! < 0);
  const old = gone.length ? inputs.previousObjects?.(gone) : new Map<string, Resource>();
  // Objects the change completes itself (the installation's) need not come back; the rebuilt index is checked below.
  if (!old) return { fullRun: "a previous object is not kept" };
  // A CustomResourceDefinition decides how every object of its kind is read and validated.
  if ([...added, ...old.values()].some((r) => r.kind === "CustomResourceDefinition")) return { fullRun: "a CustomResourceDefinition changed" };

  const byId = new Map<string, Rule>([...active.map((r) => [r.meta.id, r] as const), [p.internalError.meta.id, p.internalError]]);
  const reuseMaps = new Map<string, Map<number, KeptCheck> | undefined>();
  const reuse = (id: string) => {
    if (!reuseMaps.has(id)) reuseMaps.set(id, previous.checks[id] && new Map(previous.checks[id].map((c) => [slotCode(c[1], c[0]), c])));
    return reuseMaps.get(id);
  };
  // Places are the same when as many objects as before are listed and each one that was there before still is.
  const samePlaces = objects.length === previous.objects.length && oldPlace.every((at, i) => at < 0 || at === i);
  const linted = new Map<KindKey, number>();
  const lintedCount = (kind: KindKey): number => {
    let count = linted.get(kind);
    if (count === undefined) {
      count = 0;
      for (const r of index.all(kind)) if (isLinted(r)) count++;
      linted.set(kind, count);
    }
    return count;
  };
  const whole = { samePlaces, lintedCount };
  const ran = new Map<Rule, Map<number, CheckResult>>();
  const runEarly = (rule: ResourceRule | GlobalRule, kindAt: number, target: Resource | undefined) => {
    const code = slotCode(target ? place.get(target)! : -1, kindAt);
    let own = ran.get(rule);
    if (!own) ran.set(rule, (own = new Map()));
    if (!own.has(code)) own.set(code, runner.run(rule, target));
  };
  const isNew = new Set(added);
  const reportsOf = (check: KeptCheck, rule: Rule): readonly PendingReport[] | undefined => {
    // Most checks reported nothing: one shared empty list, not a hundred thousand.
    if (!check[3]?.length) return NO_REPORTS;
    const out: PendingReport[] = [];
    const at = (i: number) => (i < 0 ? undefined : objects[newPlace[i] ?? -1]);
    for (const k of check[3]) {
      const owner = k.rule === undefined ? rule : byId.get(k.rule);
      const resource = at(k.resource);
      const related = k.related?.map((x) => ({ x, resource: at(x.resource) }));
      if (!owner || (k.resource >= 0 && !resource) || related?.some((x) => !x.resource)) return undefined;
      out.push({
        rule: owner,
        report: {
          resource: resource as Resource,
          messageId: k.messageId,
          ...(k.path ? { path: k.path } : {}),
          ...(k.part ? { part: k.part } : {}),
          ...(k.data ? { data: k.data } : {}),
          ...(k.help !== undefined ? { help: k.help } : {}),
          ...(related ? { related: related.map(({ x, resource }) => ({ resource: resource!, message: x.message, ...(x.path ? { path: x.path } : {}) })) } : {}),
          ...(k.severity ? { severity: k.severity } : {}),
        },
      });
    }
    return out;
  };
  // The same objects in the same order, read from the same texts: nothing a check reads can differ.
  const texts = new Set(previous.texts);
  const moved = objects.some((r, i) => oldPlace[i]! >= 0 && !texts.has(inputs.textKey(r)));
  if (!gone.length && !added.length && !moved) return { reuse, ran, stale: previous.keySets.map(() => false), oldPlace, isNew, reportsOf, memoDigests: previous.memoDigests ?? {}, ...whole };

  // The checks of new objects run anyway; running them first also builds the tables and memos they read.
  for (const rule of active) {
    if (!isResourceRule(rule)) continue;
    rule.target.forEach((kind, kindAt) => {
      for (const target of added) if (isLinted(target) && (kind === ANY_KIND || (kind.kind === target.kind && kind.group === target.group))) runEarly(rule, kindAt, target);
    });
  }
  const change = inputs.complete ? inputs.complete(index, { removed: added, added: [...old.values()] }) : { removed: added, added: [...old.values()] };

  // A table or memo changes only when something it read did: those whose reads (kept from the previous run) the
  // difference does not touch stay as they were, unbuilt. The others are built here, so that the difference says
  // which of their keys changed: by running a check that read them (its result is a fresh one, used as such).
  const base = index.withChange(change).keys;
  const derivedNames = new Set(Object.keys(previous.derived));
  const nameOf = (key: string): string | undefined => {
    if (key.startsWith("M ")) return key;
    if (!key.startsWith("T ")) return undefined;
    for (let end = key.indexOf(" ", 2); end > 0; end = key.indexOf(" ", end + 1)) if (derivedNames.has(key.slice(0, end))) return key.slice(0, end);
    return undefined;
  };
  const affected = new Map<string, boolean>();
  const isAffected = (name: string | undefined): boolean => {
    if (name === undefined) return true;
    let known = affected.get(name);
    if (known !== undefined) return known;
    // A circle counts as affected.
    affected.set(name, true);
    const set = previous.derived[name];
    known = set === undefined || (previous.keySets[set] ?? []).some((k) => {
      const key = previous.keys[k]!;
      if (base.has(key)) return true;
      const dep = key.startsWith("M ") || key.startsWith("T ") ? nameOf(key) : null;
      return dep !== null && dep !== name && (index.holds(key) ? false : isAffected(dep));
    });
    affected.set(name, known);
    return known;
  };
  const derivedKey = previous.keys.map((k) => (k.startsWith("M ") || k.startsWith("T ")) && isAffected(nameOf(k)));
  // Judged once per key set, not once per check that shares it (a hundred thousand checks, twenty thousand sets).
  const readsDerived = previous.keySets.map((set) => set.some((k) => derivedKey[k]));
  const readers = new Map<number, [ResourceRule | GlobalRule, number, Resource | undefined][]>();
  for (const rule of active) {
    for (const check of previous.checks[rule.meta.id] ?? []) {
      if (check[2] < 0 || !readsDerived[check[2]]) continue;
      const target = check[1] < 0 ? undefined : objects[newPlace[check[1]]!];
      if (check[1] >= 0 && !target) continue;
      for (const k of previous.keySets[check[2]] ?? []) {
        if (!derivedKey[k]) continue;
        const list = readers.get(k);
        if (!list) readers.set(k, [[rule, check[0], target]]);
        else if (list.length < 3) list.push([rule, check[0], target]);
      }
    }
  }
  const uncovered: string[] = [];
  for (const [k, list] of readers) {
    const key = previous.keys[k]!;
    for (const [rule, kindAt, target] of list) {
      if (index.holds(key)) break;
      runEarly(rule, kindAt, target);
    }
    if (!index.holds(key)) uncovered.push(key);
  }

  const { index: back, keys: touched } = index.withChange(change);
  const oldKeyOf = new Map([...old].map(([key, r]) => [r, key]));
  const backObjects = back.all(ANY_KIND);
  if (backObjects.length !== previous.objects.length || backObjects.some((r, i) => (oldKeyOf.get(r) ?? (place.has(r) ? keys[place.get(r)!] : inputs.objectKey(r))) !== previous.objects[i])) {
    return { fullRun: "the previous index could not be rebuilt" };
  }
  for (const key of uncovered) touched.add(key);
  if (moved) touched.add(POSITIONS);

  // A memo the difference drops may come out the same (the callers of a repository after one Deployment changed
  // its replicas): found equal to its value on the previous index, its readers need not run. The previous value is
  // known by its kept digest, or else built on the previous index too (by running a check that reads it there).
  const keyIds = new Map(previous.keys.map((k, i) => [k, i]));
  const inSomeSet = new Uint8Array(previous.keys.length);
  for (const set of previous.keySets) for (const k of set) inSomeSet[k] = 1;
  const reading = new Set<string>();
  previous.keys.forEach((key, k) => {
    if (inSomeSet[k] && touched.has(key)) reading.add(key);
  });
  const backRunner = new CheckRunner(back, p.run, p.internalError, new Map(active.map((r) => [r.meta.id, new Set<string>()])));
  const memoDigests: Record<string, string> = {};
  for (const key of reading) {
    if (!key.startsWith("M ")) continue;
    const name = key.slice(2);
    const now = index.memoValue(name);
    if (!now) continue;
    const digest = plainDigest(now.value);
    if (digest !== undefined) memoDigests[name] = digest;
    const kept = previous.memoDigests?.[name];
    if (kept !== undefined && digest !== undefined) {
      if (kept === digest) touched.delete(key);
      continue;
    }
    const reader = readers.get(keyIds.get(key) ?? -1)?.[0];
    if (!reader) continue;
    backRunner.run(reader[0], reader[2]);
    const before = back.memoValue(name);
    if (before && sameValue(now.value, before.value)) touched.delete(key);
  }
  // A kept digest still holds for a memo whose reads the difference does not touch (its value is the same).
  for (const [name, digest] of Object.entries(previous.memoDigests ?? {})) if (!(name in memoDigests) && !isAffected(`M ${name}`)) memoDigests[name] = digest;

  const hit = previous.keys.map((k) => touched.has(k));
  const stale = previous.keySets.map((set) => set.some((k) => hit[k]));
  return { reuse, ran, stale, oldPlace, isNew, reportsOf, memoDigests, ...whole };
}

/** Read key of checks that looked up positions: touched when an object moved in its file. */
const POSITIONS = "P";

/**
 * Whether two memo values are the same: the same objects (by identity, so that a changed object is never the same),
 * or the same primitives, in the same order, in the same shapes (Maps, Sets, arrays, plain objects).
 */
function sameValue(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null || depth > 50) return false;
  const proto = Object.getPrototypeOf(a) as unknown;
  if (proto !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Map && b instanceof Map) {
    if (a.size !== b.size) return false;
    const bs = [...b];
    let i = 0;
    for (const [k, v] of a) {
      const [bk, bv] = bs[i++]!;
      if (!sameValue(k, bk, depth + 1) || !sameValue(v, bv, depth + 1)) return false;
    }
    return true;
  }
  if (a instanceof Set && b instanceof Set) return a.size === b.size && sameValue([...a], [...b], depth + 1);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => sameValue(x, b[i], depth + 1));
  // Plain objects only: anything else (a Resource, a class instance) is the same only when it is the same object.
  if (proto !== Object.prototype && proto !== null) return false;
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  return ak.length === bk.length && ak.every((k, i) => k === bk[i] && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth + 1));
}

/**
 * A digest of a plain value (primitives, and Maps, Sets, arrays and plain objects of them), equal for two values
 * exactly when sameValue finds them the same (order included); undefined for a value holding anything else (a
 * Resource, a class instance: those compare by identity, which does not outlive a run) or nested too deep.
 */
export function plainDigest(value: unknown): string | undefined {
  const parts: string[] = [];
  const add = (v: unknown, depth: number): boolean => {
    if (depth > 50) return false;
    switch (typeof v) {
      case "string":
        parts.push(JSON.stringify(v));
        return true;
      case "number":
        parts.push(Object.is(v, -0) ? "n-0" : `n${v}`);
        return true;
      case "boolean":
        parts.push(v ? "t" : "f");
        return true;
      case "undefined":
        parts.push("u");
        return true;
      case "bigint":
        parts.push(`b${v}`);
        return true;
      case "object":
        break;
      default:
        return false;
    }
    if (v === null) {
      parts.push("z");
      return true;
    }
    if (v instanceof Map) {
      parts.push(`M${v.size}(`);
      for (const [k, x] of v) if (!add(k, depth + 1) || !add(x, depth + 1)) return false;
    } else if (v instanceof Set) {
      parts.push(`S${v.size}(`);
      for (const x of v) if (!add(x, depth + 1)) return false;
    } else if (Array.isArray(v)) {
      parts.push(`A${v.length}(`);
      for (const x of v) if (!add(x, depth + 1)) return false;
    } else {
      const proto = Object.getPrototypeOf(v) as unknown;
      if (proto !== Object.prototype && proto !== null) return false;
      const keys = Object.keys(v);
      parts.push(`${proto === null ? "N" : "O"}${keys.length}(`);
      for (const k of keys) {
        parts.push(JSON.stringify(k));
        if (!add((v as Record<string, unknown>)[k], depth + 1)) return false;
      }
    }
    parts.push(")");
    return true;
  };
  return add(value, 0) ? createHash("sha256").update(parts.join(",")).digest("base64") : undefined;
}

/** This run's checks as KeptChecks: the previous run's key tables extended (and compacted when mostly unused). */
class KeptBuilder {
  private readonly keys: string[];
  private readonly keySets: (readonly number[])[];
  private keyIds: Map<string, number> | undefined;
  private setIds: Map<string, number> | undefined;
  private readonly checks = new Map<string, KeptCheck[]>();

  constructor(
    private readonly previous: KeptChecks | undefined,
    private readonly place: ReadonlyMap<Resource, number>,
  ) {
    this.keys = previous ? [...previous.keys] : [];
    this.keySets = previous ? [...previous.keySets] : [];
  }

  /** A check reused with `reports` (its kept reports, on this index's objects): kept with this index's places. */
  reuse(rule: Rule, check: KeptCheck, target: Resource | undefined, reports: readonly PendingReport[]): void {
    const at = target ? this.place.get(target)! : -1;
    if (!reports.length) this.add(rule, at === check[1] && check.length === 3 ? check : [check[0], at, check[2]]);
    else this.add(rule, [check[0], at, check[2], reports.map((p) => storedReport(p, rule, this.place)!)]);
  }

  fresh(rule: Rule, kindAt: number, target: Resource | undefined, result: CheckResult): void {
    const stored = result.reports.map((p) => storedReport(p, rule, this.place));
    // A report on an object outside the index (a configuration entry) cannot be named: such a check always runs.
    if (stored.some((s) => s === undefined)) {
      this.add(rule, [kindAt, target ? this.place.get(target)! : -1, ALWAYS_RUNS]);
      return;
    }
    const set = result.keys.size ? this.internSet([...result.keys].map((k) => this.internKey(k))) : -1;
    if (set < 0 && !stored.length) return;
    const at = target ? this.place.get(target)! : -1;
    this.add(rule, stored.length ? [kindAt, at, set, stored as KeptReport[]] : [kindAt, at, set]);
  }

  finish(
    rules: readonly Rule[],
    objects: readonly string[],
    texts: readonly string[],
    built: ReadonlyMap<string, ReadonlySet<string>>,
    reads: ReadonlyMap<string, ReadonlySet<string>>,
    memoDigests: Readonly<Record<string, string>>,
  ): KeptChecks {
    // What a table or memo not built in this run read is what it read before: the difference touched none of it.
    const derived: Record<string, number> = { ...this.previous?.derived };
    for (const [name, deps] of built) derived[name] = this.internSet([...deps].map((k) => this.internKey(k)));
    let keys: readonly string[] = this.keys;
    let keySets: readonly (readonly number[])[] = this.keySets;
    const checks: Record<string, readonly KeptCheck[]> = Object.fromEntries(this.checks);
    const used = new Set<number>(Object.values(derived));
    for (const list of this.checks.values()) for (const c of list) if (c[2] >= 0) used.add(c[2]);
    // Sets and keys only checks that ran before still use are dropped once they are most of the file.
    if (used.size * 2 < keySets.length) {
      const setIds = new Map<number, number>();
      const keyIds = new Map<number, number>();
      const newKeys: string[] = [];
      const newSets: number[][] = [];
      for (const id of [...used].sort((a, b) => a - b)) {
        setIds.set(id, newSets.length);
        newSets.push(
          keySets[id]!.map((k) => {
            let n = keyIds.get(k);
            if (n === undefined) {
              n = newKeys.length;
              keyIds.set(k, n);
              newKeys.push(keys[k]!);
            }
            return n;
          }),
        );
      }
      for (const name of Object.keys(derived)) derived[name] = setIds.get(derived[name]!)!;
      for (const [id, list] of Object.entries(checks)) checks[id] = list.map((c) => (c[2] < 0 ? c : ([c[0], c[1], setIds.get(c[2])!, ...(c.length > 3 ? [c[3]] : [])] as unknown as KeptCheck)));
      keys = newKeys;
      keySets = newSets;
    }
    return {
      rules: rules.map((r) => r.meta.id),
      objects,
      texts,
      keys,
      keySets,
      derived,
      checks,
      reads: Object.fromEntries([...reads].map(([id, kinds]) => [id, [...kinds]])),
      ...(Object.keys(memoDigests).length ? { memoDigests } : {}),
    };
  }

  private add(rule: Rule, check: KeptCheck): void {
    const list = this.checks.get(rule.meta.id);
    if (list) list.push(check);
    else this.checks.set(rule.meta.id, [check]);
  }

  private internKey(key: string): number {
    this.keyIds ??= new Map(this.keys.map((k, i) => [k, i]));
    let id = this.keyIds.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.keys.push(key);
      this.keyIds.set(key, id);
    }
    return id;
  }

  private internSet(ids: number[]): number {
    ids.sort((a, b) => a - b);
    const text = ids.join(",");
    this.setIds ??= new Map(this.keySets.map((set, i) => [set.join(","), i]));
    let id = this.setIds.get(text);
    if (id === undefined) {
      id = this.keySets.length;
      this.keySets.push(ids);
      this.setIds.set(text, id);
    }
    return id;
  }
}

/** Runs single checks, recording each one's read keys, and reports a throwing rule as an internal error. */
class CheckRunner {
  ran = 0;
  private current: Set<string> | undefined;
  private readonly views = new Map<string, ResourceIndex>();

  constructor(
    private readonly index: ResourceIndex,
    private readonly inputs: RunInputs,
    private readonly internalError: Rule,
    private readonly reads: Map<string, Set<string>>,
  ) {}

  run(rule: ResourceRule | GlobalRule, target: Resource | undefined): CheckResult {
    this.ran++;
    const keys = new Set<string>();
    const reports: PendingReport[] = [];
    const ctx = {
      index: this.viewFor(rule),
      settings: this.index.settings,
      config: this.inputs.config,
      cwd: this.inputs.cwd,
      report: (report: Report) => reports.push({ rule, report }),
    };
    const outer = this.current;
    this.current = keys;
    const positions = positionReads.count;
    try {
      if (isResourceRule(rule)) checkKnown(reports, () => rule.check(target!, ctx));
      else rule.checkAll(ctx);
    } catch (error) {
      reports.push(failedCheck(this.internalError, rule, target, error));
    } finally {
      this.current = outer;
    }
    if (positionReads.count !== positions) keys.add(POSITIONS);
    return { keys, reports };
  }

  /** One view per rule (a view per check would cost an object per check): reads go to the check running now. */
  private viewFor(rule: Rule): ResourceIndex {
    let view = this.views.get(rule.meta.id);
    if (!view) {
      const kinds = this.reads.get(rule.meta.id)!;
      const seen = new Set<KindKey>();
      const log: ReadLog = {
        kind: (k) => {
          if (seen.has(k)) return;
          seen.add(k);
          kinds.add(kindId(k));
        },
        key: (k) => this.current?.add(k),
      };
      view = this.index.view(log);
      this.views.set(rule.meta.id, view);
    }
    return view;
  }
}

/** A pending report as plain data; undefined when it names an object outside the index (it is not kept). */
function storedReport(p: PendingReport, own: Rule, place: ReadonlyMap<Resource, number>): KeptReport | undefined {
  const r = p.report;
  const resource = r.resource ? place.get(r.resource) : -1;
  if (resource === undefined) return undefined;
  const related = r.related?.map((x) => ({ resource: place.get(x.resource), message: x.message, ...(x.path ? { path: x.path } : {}) }));
  if (related?.some((x) => x.resource === undefined)) return undefined;
  return {
    ...(p.rule !== own ? { rule: p.rule.meta.id } : {}),
    resource,
    messageId: r.messageId,
    ...(r.path ? { path: r.path } : {}),
    ...(r.part ? { part: r.part } : {}),
    ...(r.data ? { data: r.data } : {}),
    ...(r.help !== undefined ? { help: r.help } : {}),
    ...(related ? { related: related as NonNullable<KeptReport["related"]> } : {}),
    ...(r.severity ? { severity: r.severity } : {}),
  };
}
