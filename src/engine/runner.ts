import { type KindKey, kindId } from "../model/kinds.js";
import { type Resource, isLinted } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { UnknownReads, describeUnknown, knowsEverything } from "../model/unknown.js";
import { unknownContentReads } from "../load/unreadable.js";
import type { Config } from "./config.js";
import { type Report, type Rule, isGlobalRule, isResourceRule } from "./rule.js";

/** A report as a rule made it, before severity, suppression and positions are applied. */
export interface PendingReport {
  readonly rule: Rule;
  /** Without a resource only when a whole-index rule failed. */
  readonly report: Omit<Report, "resource"> & { readonly resource: Resource | undefined };
  /**
   * Set when the check had read a part of the world the run does not know (a namespace a live cluster did not let
   * meshlint read) before it reported: what that part was. Such a finding is at most an info (see finalize).
   */
  readonly unsure?: string;
}

export interface RunResult {
  readonly reports: readonly PendingReport[];
  /** Kinds each rule read (target kinds included), by rule id. */
  readonly reads: ReadonlyMap<string, ReadonlySet<string>>;
}

/** What rules may read besides the index: the configuration file, and the folder displayed paths are relative to. */
export interface RunInputs {
  readonly config: Config;
  readonly cwd: string;
}

export const INTERNAL_ERROR_RULE = "internal-error";

/** What a rule that threw reports: an internal error on the resource it was checking (none for a whole-index rule). */
export function failedCheck(internalError: Rule, rule: Rule, resource: Resource | undefined, error: unknown): PendingReport {
  const detail = error instanceof Error ? error.message : String(error);
  return {
    rule: internalError,
    report: { resource, messageId: resource ? "ruleFailed" : "globalRuleFailed", data: { rule: rule.meta.id, detail: detail.split("\n")[0] ?? detail } },
  };
}

/**
 * Runs one resource check, dropping what it reported if it read the unknown content of a document that could not be
 * read (src/load/unreadable.ts): a conclusion drawn from its missing spec or labels is an echo of that document's
 * syntax error, which is the finding. Whole-index rules find such objects only by identity and are run as they are.
 */
export function checkKnown(reports: unknown[], check: () => void): void {
  const before = unknownContentReads();
  const kept = reports.length;
  check();
  if (unknownContentReads() !== before) reports.length = kept;
}

/**
 * Runs rules over the index. A rule that throws becomes an `internal-error` report on the resource it was
 * checking (or on no resource, for a whole-index rule), and the run goes on with the next resource.
 */
export function runRules(index: ResourceIndex, rules: readonly Rule[], internalError: Rule, run: RunInputs): RunResult {
  const steps = ruleSteps(index, rules, internalError, run);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * `runRules` in slices of about `sliceMs` of work, giving the event loop back between them, for a server that
 * re-lints a whole index while it answers requests (the webhook's audit: seconds of work on 10,000 objects).
 * The index must not change meanwhile (indexes never do; a server keeps its newer ones elsewhere).
 */
export async function runRulesInSlices(index: ResourceIndex, rules: readonly Rule[], internalError: Rule, run: RunInputs, sliceMs: number): Promise<RunResult> {
  const steps = ruleSteps(index, rules, internalError, run);
  for (let sliceEnd = performance.now() + sliceMs; ; ) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() >= sliceEnd) {
      await new Promise((resolve) => setImmediate(resolve));
      sliceEnd = performance.now() + sliceMs;
    }
  }
}

/** The work of runRules, one check (a rule on one resource, or a whole-index rule) per step. */
function* ruleSteps(index: ResourceIndex, rules: readonly Rule[], internalError: Rule, run: RunInputs): Generator<void, RunResult> {
  const reports: PendingReport[] = [];
  const reads = new Map<string, Set<string>>();
  const failed = (rule: Rule, error: unknown, resource?: Resource) => reports.push(failedCheck(internalError, rule, resource, error));
  const unknown = knowsEverything(index) ? undefined : new UnknownReads(index);

  for (const rule of rules) {
    if (!isResourceRule(rule) && !isGlobalRule(rule)) continue;
    const touched = new Set<string>();
    reads.set(rule.meta.id, touched);
    // Reads are recorded on every index lookup, so known kinds are skipped by identity before building their id.
    const seen = new Set<KindKey>();
    const kind = (k: KindKey) => {
      if (seen.has(k)) return;
      seen.add(k);
      touched.add(kindId(k));
    };
    // With part of the world unknown, a check's read keys are kept until it reports: a finding made after reading an
    // unknown part may only be an artefact of what was not read.
    const keys: string[] | undefined = unknown ? [] : undefined;
    const view = index.view(keys ? { kind, key: (key) => keys.push(key) } : kind);
    const ctx = {
      index: view,
      settings: index.settings,
      config: run.config,
      cwd: run.cwd,
      report: (report: Report) => {
        const part = keys && unknown!.first(keys);
        reports.push(part ? { rule, report, unsure: describeUnknown(part) } : { rule, report });
      },
    };
    if (isResourceRule(rule)) {
      for (const target of rule.target) {
        for (const resource of view.all(target)) {
          if (!isLinted(resource)) continue;
          if (keys) keys.length = 0;
          try {
            checkKnown(reports, () => rule.check(resource, ctx));
          } catch (error) {
            failed(rule, error, resource);
          }
          yield;
        }
      }
    } else {
      try {
        rule.checkAll(ctx);
      } catch (error) {
        failed(rule, error);
      }
      yield;
    }
  }
  return { reports, reads };
}
