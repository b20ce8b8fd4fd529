import { type CelEngine, type CompiledCel, celValue, defaultEngine } from "./cel/engine.js";
import type { CelValidation, SchemaNode } from "./convert.js";

export type CelCheck =
  | { readonly status: "passed" }
  | { readonly status: "failed"; readonly message: string }
  | { readonly status: "skipped"; readonly detail: string };

/**
 * The apiserver bounds each rule's cost when the CRD is created, from the schema's maxItems/maxLength; data that
 * breaks those bounds is rejected by the schema anyway. meshlint bounds the data instead: a rule is not run on a
 * value with more nodes than this (the schema errors still report the oversized value).
 */
export const MAX_CEL_INPUT_NODES = 100_000;

const programs = new Map<string, CompiledCel | { readonly error: string }>();

/** Compiled once per distinct expression for the whole process, however many resources it runs on. */
function compiled(engine: CelEngine, expression: string): CompiledCel | { readonly error: string } {
  let program = programs.get(expression);
  if (!program) {
    program = engine.compile(expression);
    programs.set(expression, program);
  }
  return program;
}

/** The rules of one schema node on its value: the value is measured and converted for CEL once, for all of them. */
export function checkCelRules(rules: readonly CelValidation[], value: unknown, node: SchemaNode, engine: CelEngine = defaultEngine): [CelValidation, CelCheck][] {
  let input: { self: unknown } | "too large" | undefined;
  return rules.map((rule) => {
    const program = compiled(engine, rule.rule);
    if ("error" in program) return [rule, { status: "skipped", detail: `it does not compile: ${program.error}` }];
    input ??= exceeds(value, MAX_CEL_INPUT_NODES) ? "too large" : { self: celValue(value, node) };
    if (input === "too large") return [rule, { status: "skipped", detail: `its input has more than ${MAX_CEL_INPUT_NODES} values` }];
    return [rule, outcomeOf(rule, program, input.self, engine)];
  });
}

function outcomeOf(rule: CelValidation, program: CompiledCel, self: unknown, engine: CelEngine): CelCheck {
  const outcome = program.evaluate({ self });
  // The apiserver rejects an object on which a rule fails to evaluate (a missing key, a bad duration, an int()
  // of a non-number): that is the rule saying no, not a problem of the rule.
  if ("error" in outcome) return { status: "failed", message: `${messageOf(rule, self, engine)} (the rule could not be evaluated: ${outcome.error})` };
  if (outcome.value === true) return { status: "passed" };
  if (outcome.value !== false) return { status: "skipped", detail: `it returned ${String(outcome.value)} instead of a boolean` };
  return { status: "failed", message: messageOf(rule, self, engine) };
}

function messageOf(rule: CelValidation, self: unknown, engine: CelEngine): string {
  if (rule.messageExpression) {
    const program = compiled(engine, rule.messageExpression);
    if (!("error" in program)) {
      const outcome = program.evaluate({ self });
      if ("value" in outcome && typeof outcome.value === "string" && outcome.value.trim()) return outcome.value;
    }
  }
  return rule.message?.trim() || `failed rule: ${rule.rule}`;
}

function exceeds(value: unknown, limit: number): boolean {
  let count = 0;
  const stack: unknown[] = [value];
  while (stack.length) {
    const v = stack.pop();
    if (++count > limit) return true;
    if (typeof v === "object" && v !== null) for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push(child);
  }
  return false;
}
