import { asArray, asObject, asString, asStringMap } from "./resource.js";

export interface Requirement {
  readonly key: string;
  readonly operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  readonly values: readonly string[];
}

/** A Kubernetes label selector; `matchLabels` and `matchExpressions` are ANDed. An empty selector selects everything. */
export interface Selector {
  readonly matchLabels: Readonly<Record<string, string>>;
  readonly expressions: readonly Requirement[];
  /** A matchExpressions entry with an unknown operator: such a selector matches nothing. */
  readonly invalid: boolean;
}

const OPERATORS = new Set(["In", "NotIn", "Exists", "DoesNotExist"]);

/** A plain label map, as in a Service's `spec.selector` or an Istio `workloadSelector.labels`. */
export const selectorFromLabels = (labels: Readonly<Record<string, string>>): Selector => ({
  matchLabels: labels,
  expressions: [],
  invalid: false,
});

/** A `metav1.LabelSelector` (`matchLabels` + `matchExpressions`). */
export function selectorFromLabelSelector(value: unknown): Selector {
  const obj = asObject(value) ?? {};
  let invalid = false;
  const expressions: Requirement[] = [];
  for (const e of asArray(obj.matchExpressions)) {
    const expr = asObject(e);
    const key = asString(expr?.key);
    const operator = asString(expr?.operator);
    if (!key || !operator || !OPERATORS.has(operator)) {
      invalid = true;
      continue;
    }
    const values = asArray(expr?.values).filter((v): v is string => typeof v === "string");
    expressions.push({ key, operator: operator as Requirement["operator"], values });
  }
  return { matchLabels: asStringMap(obj.matchLabels) ?? {}, expressions, invalid };
}

export const isEmptySelector = (s: Selector): boolean =>
  !s.invalid && s.expressions.length === 0 && Object.keys(s.matchLabels).length === 0;

export function matches(selector: Selector, labels: Readonly<Record<string, string>>): boolean {
  if (selector.invalid) return false;
  for (const [k, v] of Object.entries(selector.matchLabels)) if (labels[k] !== v) return false;
  for (const r of selector.expressions) {
    const has = Object.hasOwn(labels, r.key);
    const value = labels[r.key];
    switch (r.operator) {
      case "In":
        if (!has || !r.values.includes(value as string)) return false;
        break;
      case "NotIn":
        if (has && r.values.includes(value as string)) return false;
        break;
      case "Exists":
        if (!has) return false;
        break;
      case "DoesNotExist":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** `app=reviews,version=v2`, for messages. */
export const describeSelector = (s: Selector): string =>
  [
    ...Object.entries(s.matchLabels).map(([k, v]) => `${k}=${v}`),
    ...s.expressions.map((r) => `${r.key} ${r.operator}${r.values.length ? ` (${r.values.join(", ")})` : ""}`),
  ].join(",");
