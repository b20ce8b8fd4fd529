/**
 * The CEL evaluator behind meshlint's `x-kubernetes-validations` checks. The interface keeps the evaluator
 * swappable (tools/cel-engines.ts measures the alternatives); the default runs on @bufbuild/cel with the
 * Kubernetes libraries.
 */
import {
  celEnv,
  isCelError,
  isCelList,
  isCelMap,
  isCelType,
  isCelUint,
  parse,
  plan,
  type CelEnv,
  type CelValue,
} from "@bufbuild/cel";
import { isReflectMessage } from "@bufbuild/protobuf/reflect";
import { DurationSchema, TimestampSchema } from "@bufbuild/protobuf/wkt";
import { parseDateTime, parseGoDuration } from "../../base/go/time.js";
import { kubernetesLibrary } from "./k8s-library.js";
import { kubernetesTypeRegistry } from "./k8s-types.js";
import { compileRe2 } from "../../base/re2.js";

export { celValue, escapeCelPropertyName } from "./values.js";

export interface CelEngine {
  readonly name: string;
  compile(expression: string): CompiledCel | { readonly error: string };
}

export interface CompiledCel {
  evaluate(bindings: Readonly<Record<string, unknown>>): CelOutcome;
}

/** `value` is plain JS: boolean, string, bigint (int/uint), number (double), arrays, objects, null. */
export type CelOutcome = { readonly value: unknown } | { readonly error: string };

/** The variables a CRD validation rule or messageExpression may use. */
export const CRD_RULE_VARIABLES: readonly string[] = ["self", "oldSelf"];

type Expr = ReturnType<typeof parse>["expr"];

/** Type names usable as identifiers, e.g. `type(self) == string` on an int-or-string field. */
const TYPE_IDENTIFIERS = new Set(["bool", "bytes", "double", "dyn", "int", "list", "map", "null_type", "string", "type", "uint"]);

/** Functions whose string-literal argument Kubernetes validates at compile time (cel.ValidateRegexLiterals etc.). */
const LITERAL_CHECKS: Readonly<Record<string, (literal: string) => void>> = {
  matches: (pattern) => void compileRe2(pattern),
  find: (pattern) => void compileRe2(pattern),
  findAll: (pattern) => void compileRe2(pattern),
  duration: (text) => void parseGoDuration(text),
  timestamp: (text) => {
    // cel-go parses timestamp() literals as RFC 3339, which requires the offset.
    if (!/(Z|[+-]\d{2}:\d{2})$/.test(text) || !parseDateTime(text)) throw new Error(`invalid timestamp "${text}"`);
  },
};

/** Regex functions take the pattern after the string: as the first argument of the method form. */
const PATTERN_FUNCTIONS = new Set(["matches", "find", "findAll"]);

function stringConstant(expr: Expr | undefined): string | undefined {
  const kind = expr?.exprKind;
  if (kind?.case !== "constExpr") return undefined;
  return kind.value.constantKind.case === "stringValue" ? kind.value.constantKind.value : undefined;
}

/** `a.b.c` as a dotted name when the expression is only identifiers and field selections. */
function qualifiedName(expr: Expr | undefined): string | undefined {
  const kind = expr?.exprKind;
  if (kind?.case === "identExpr") return kind.value.name;
  if (kind?.case === "selectExpr" && !kind.value.testOnly) {
    const operand = qualifiedName(kind.value.operand);
    return operand === undefined ? undefined : `${operand}.${kind.value.field}`;
  }
  return undefined;
}

/**
 * What @bufbuild/cel leaves to evaluation time but the apiserver rejects when the CRD is created: undeclared
 * variables, unknown functions or arities, and invalid regex/duration/timestamp literals. Type checking proper is
 * not done (the CRDs meshlint reads were accepted by an apiserver, which did it).
 */
function checkReferences(env: CelEnv, namespaces: ReadonlySet<string>, root: Expr, variables: ReadonlySet<string>): string | undefined {
  const arities = (name: string, member: boolean): Set<number> => {
    const found = new Set<number>();
    for (const func of env.funcs.find(name) ?? []) {
      if ((func.target !== undefined) === member) found.add(func.arguments.length);
    }
    return found;
  };

  const visit = (expr: Expr | undefined, scope: ReadonlySet<string>): string | undefined => {
    const kind = expr?.exprKind;
    switch (kind?.case) {
      case undefined:
      case "constExpr":
        return undefined;
      case "identExpr": {
        const name = kind.value.name;
        return scope.has(name) || TYPE_IDENTIFIERS.has(name) ? undefined : `undeclared reference to '${name}'`;
      }
      case "selectExpr":
        return visit(kind.value.operand, scope);
      case "listExpr":
        return firstError(kind.value.elements.map((e) => () => visit(e, scope)));
      case "structExpr":
        return firstError(
          kind.value.entries.map((entry) => () => {
            const key = entry.keyKind.case === "mapKey" ? visit(entry.keyKind.value, scope) : undefined;
            return key ?? visit(entry.value, scope);
          }),
        );
      case "comprehensionExpr": {
        const c = kind.value;
        const inner = new Set([...scope, c.accuVar, c.iterVar, ...(c.iterVar2 ? [c.iterVar2] : [])]);
        const withAccumulator = new Set([...scope, c.accuVar]);
        return firstError([
          () => visit(c.iterRange, scope),
          () => visit(c.accuInit, scope),
          () => visit(c.loopCondition, inner),
          () => visit(c.loopStep, inner),
          () => visit(c.result, withAccumulator),
        ]);
      }
      case "callExpr": {
        const call = kind.value;
        const name = call.function;
        const args = call.args;
        const targetName = call.target ? qualifiedName(call.target) : undefined;
        const rootIdentifier = targetName?.split(".")[0];
        if (targetName !== undefined && rootIdentifier !== undefined && !scope.has(rootIdentifier)) {
          const qualified = `${targetName}.${name}`;
          if (!namespaces.has(targetName)) return `undeclared reference to '${rootIdentifier}'`;
          if (!arities(qualified, false).has(args.length)) return `undeclared reference to '${qualified}'`;
          return firstError(args.map((a) => () => visit(a, scope)));
        }
        const literalIndex = PATTERN_FUNCTIONS.has(name) && call.target === undefined ? 1 : 0;
        const literal = stringConstant(args[literalIndex]);
        const check = LITERAL_CHECKS[name];
        if (check && literal !== undefined) {
          try {
            check(literal);
          } catch (error) {
            return `invalid argument to ${name}(): ${error instanceof Error ? error.message : String(error)}`;
          }
        }
        // Operators (`_==_`, `@in`, `!_` …) are not identifiers; the planner resolves them.
        if (/^[A-Za-z]/.test(name)) {
          const member = call.target !== undefined;
          if (!arities(name, member).has(args.length)) {
            return `found no matching overload for '${name}' applied to ${args.length} argument(s)${member ? " on a target" : ""}`;
          }
        }
        return firstError([() => visit(call.target, scope), ...args.map((a) => () => visit(a, scope))]);
      }
      default:
        return undefined;
    }
  };
  return visit(root, variables);
}

function firstError(checks: ReadonlyArray<() => string | undefined>): string | undefined {
  for (const check of checks) {
    const error = check();
    if (error !== undefined) return error;
  }
  return undefined;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, "0");
}

/** CEL values back to plain JS. */
export function toPlain(value: CelValue): unknown {
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Uint8Array) return value;
  if (isCelUint(value)) return value.value;
  if (isCelList(value)) return [...value].map(toPlain);
  if (isCelMap(value)) return Object.fromEntries([...value].map(([k, v]) => [String(toPlain(k as CelValue)), toPlain(v)]));
  if (isCelType(value)) return value.name;
  if (!isReflectMessage(value)) return value;
  if (value.desc.typeName === DurationSchema.typeName) {
    const { seconds, nanos } = value.message as unknown as { seconds: bigint; nanos: number };
    return nanos === 0 ? `${seconds}s` : `${Number(seconds) + nanos / 1e9}s`;
  }
  if (value.desc.typeName === TimestampSchema.typeName) {
    const { seconds, nanos } = value.message as unknown as { seconds: bigint; nanos: number };
    const date = new Date(Number(seconds) * 1000);
    const fraction = nanos === 0 ? "" : `.${pad(nanos, 9).replace(/0+$/, "")}`;
    return `${date.toISOString().slice(0, 19)}${fraction}Z`;
  }
  return Object.fromEntries(Object.entries(value.message).filter(([k]) => k !== "$typeName"));
}

/** @bufbuild/cel's wording of common runtime errors, reworded as cel-go (and so the apiserver) reports them. */
const CEL_GO_MESSAGES: ReadonlyArray<[RegExp, string]> = [
  [/^field not found: (.*)$/, "no such key: $1"],
  [/^index (-?\d+) out of bounds.*$/, "index out of bounds: $1"],
  [/^(?:int|uint) divide by zero$/, "division by zero"],
  [/^(?:int|uint) modulus by zero$/, "modulus by zero"],
  [/^int overflow during .*$/, "integer overflow"],
  [/^uint overflow during .*$/, "unsigned integer overflow"],
  [/^found no matching overload for '([^']*)'.*$/, "no such overload: $1"],
];

function celGoMessage(message: string): string {
  for (const [pattern, replacement] of CEL_GO_MESSAGES) if (pattern.test(message)) return message.replace(pattern, replacement);
  return message;
}

export interface BufbuildEngineOptions {
  readonly variables?: readonly string[];
}

/** @bufbuild/cel with the Kubernetes libraries; `compile` parses, checks and plans once. */
export function createBufbuildEngine(options: BufbuildEngineOptions = {}): CelEngine {
  const env = celEnv({ funcs: [...kubernetesLibrary], registry: kubernetesTypeRegistry, re2: { compile: compileRe2 } });
  const variables = new Set(options.variables ?? CRD_RULE_VARIABLES);
  /** Prefixes of dotted function names (`format`, `sets`, `ip`): `format.x()` is a call, not a field of `format`. */
  const namespaces = new Set<string>();
  for (const func of env.funcs) {
    const dot = func.name.lastIndexOf(".");
    if (dot > 0) namespaces.add(func.name.slice(0, dot));
  }
  return {
    name: "@bufbuild/cel + Kubernetes library",
    compile(expression) {
      let parsed: ReturnType<typeof parse>;
      try {
        parsed = parse(expression);
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
      const referenceError = checkReferences(env, namespaces, parsed.expr, variables);
      if (referenceError !== undefined) return { error: referenceError };
      let program: ReturnType<typeof plan>;
      try {
        program = plan(env, parsed);
      } catch (error) {
        return { error: error instanceof Error ? error.message : String(error) };
      }
      return {
        evaluate(bindings) {
          try {
            const result = program(bindings as Parameters<typeof program>[0]);
            if (isCelError(result)) return { error: celGoMessage(result.message) };
            return { value: toPlain(result) };
          } catch (error) {
            return { error: error instanceof Error ? error.message : String(error) };
          }
        },
      };
    },
  };
}

export const defaultEngine: CelEngine = createBufbuildEngine();
