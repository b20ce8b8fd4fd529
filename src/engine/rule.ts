import type { KindKey } from "../model/kinds.js";
import type { Config } from "./config.js";
import type { FieldPath, Resource } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { Settings } from "../model/settings.js";

export type Severity = "error" | "warning" | "info";
export const SEVERITIES: readonly Severity[] = ["error", "warning", "info"];
export const severityRank = (s: Severity): number => (s === "error" ? 3 : s === "warning" ? 2 : 1);

/** `core` holds what the loader and engine report about inputs themselves (YAML errors, skipped files). */
export type Area = "core" | "kubernetes" | "istio" | "linkerd" | "gateway-api" | "smi";
export const AREAS: readonly Area[] = ["core", "kubernetes", "istio", "linkerd", "gateway-api", "smi"];

export type Category = "input" | "correctness" | "suspicious" | "security" | "deprecation" | "style";

/** How a rule relates to another tool's check: the same check, part of what that code covers, or inspired by it. */
export interface Alias {
  readonly tool: "istioctl" | "kiali";
  /** `IST0101`, `KIA1107`. */
  readonly code: string;
  readonly match: "same" | "partial" | "inspired";
  /** The messages that carry this code; all of the rule's messages when absent (IST codes belong to messages). */
  readonly messageIds?: readonly string[];
}

export interface RuleMeta<M extends string = string> {
  readonly id: string;
  readonly area: Area;
  readonly category: Category;
  /** Default severity; the config file may change it, and a report may set its own (see Report.severity). */
  readonly severity: Severity;
  /**
   * Off unless the configuration names the rule (by id, or by one of its codes): advice most repositories do not want,
   * such as style nudges. Setting its area does not turn it on.
   */
  readonly optIn?: boolean;
  /** One line, shown by --list-rules and in the README. */
  readonly description: string;
  readonly aliases?: readonly Alias[];
  /** Message templates with `{{name}}` placeholders; one sentence each, values in double quotes. */
  readonly messages: Readonly<Record<M, string>>;
}

export interface RelatedReport {
  readonly resource: Resource;
  readonly path?: FieldPath;
  readonly message: string;
}

export interface Report<M extends string = string> {
  readonly resource: Resource;
  /** Into `resource.data`; omitted → `metadata.name`. */
  readonly path?: FieldPath;
  readonly part?: "key" | "value";
  readonly messageId: M;
  readonly data?: Readonly<Record<string, string | number>>;
  /** What to do about it, one sentence. */
  readonly help?: string;
  readonly related?: readonly RelatedReport[];
  /** This finding's severity when it differs from the rule's default (a config file setting still wins). */
  readonly severity?: Severity;
}

export interface RuleContext<M extends string = string> {
  /** Records which kinds the rule reads; a test compares them with the rule's `reads` and `target`. */
  readonly index: ResourceIndex;
  readonly settings: Settings;
  /** The configuration file (for a rule that checks one of its sections, such as `access:`). */
  readonly config: Config;
  /** The folder displayed paths are relative to. */
  readonly cwd: string;
  report(report: Report<M>): void;
}

interface RuleBase<M extends string> {
  readonly meta: RuleMeta<M>;
  /** Every kind the rule looks up through the index besides its targets. */
  readonly reads: readonly KindKey[];
}

/** Runs once per resource of the target kinds. */
export interface ResourceRule<M extends string = string> extends RuleBase<M> {
  readonly target: readonly KindKey[];
  check(resource: Resource, ctx: RuleContext<M>): void;
}

/** Runs once over the whole index: for pairwise conflicts, grouped first by a key so the work stays linear. */
export interface GlobalRule<M extends string = string> extends RuleBase<M> {
  checkAll(ctx: RuleContext<M>): void;
}

/** A rule the loader or the engine reports (YAML syntax, skipped files, internal errors): metadata only. */
export interface InputRule<M extends string = string> {
  readonly meta: RuleMeta<M>;
}

export type Rule<M extends string = string> = ResourceRule<M> | GlobalRule<M> | InputRule<M>;

export const isResourceRule = (r: Rule): r is ResourceRule => "check" in r;
export const isGlobalRule = (r: Rule): r is GlobalRule => "checkAll" in r;

/** Identity at run time; exists so message ids are checked against `meta.messages` at compile time. */
export function defineRule<M extends string>(rule: ResourceRule<M>): ResourceRule<M>;
export function defineRule<M extends string>(rule: GlobalRule<M>): GlobalRule<M>;
export function defineRule<M extends string>(rule: InputRule<M>): InputRule<M>;
export function defineRule<M extends string>(rule: Rule<M>): Rule<M> {
  return rule;
}

/** The codes of other tools that a message of this rule corresponds to. */
export function codesFor(meta: RuleMeta, messageId: string): string[] {
  return (meta.aliases ?? []).filter((a) => !a.messageIds || a.messageIds.includes(messageId)).map((a) => a.code);
}

export function formatMessage(template: string, data: Readonly<Record<string, string | number>> | undefined): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => {
    const value = data?.[key];
    return value === undefined ? whole : String(value);
  });
}

/** A finding as a validator returns it, before a rule reports it on a resource. */
export interface Problem<M extends string = string> {
  readonly path: FieldPath;
  readonly messageId: M;
  readonly data?: Readonly<Record<string, string | number>>;
  readonly part?: "key" | "value";
  readonly severity?: Severity;
}

/** Reports what a validator found on one resource. */
export function reportProblems<M extends string>(ctx: RuleContext<M>, resource: Resource, problems: readonly Problem<M>[]): void {
  for (const p of problems) ctx.report({ resource, ...p });
}
