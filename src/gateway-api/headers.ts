import { type FieldPath, type Resource, asArray, asObject, asString, spec } from "../model/resource.js";

export interface HeaderName {
  readonly name: string;
  readonly path: FieldPath;
}

/** The header matches of each HTTPRoute/GRPCRoute match (`rules[].matches[].headers`), one list per match. */
export function headerMatchLists(route: Resource): HeaderName[][] {
  const out: HeaderName[][] = [];
  asArray(spec(route).rules).forEach((rule, i) =>
    asArray(asObject(rule)?.matches).forEach((m, j) => {
      const path = ["spec", "rules", i, "matches", j, "headers"];
      out.push(
        asArray(asObject(m)?.headers).flatMap((h, k) => {
          const name = asString(asObject(h)?.name);
          return name ? [{ name, path: [...path, k, "name"] }] : [];
        }),
      );
    }),
  );
  return out;
}

export interface HeaderModifierEntry extends HeaderName {
  readonly list: "set" | "add" | "remove";
}

const MODIFIERS = ["requestHeaderModifier", "responseHeaderModifier"] as const;

/** The entries of each header-modifier filter (rule filters and backendRef filters), one list per filter. */
export function headerModifiers(route: Resource): HeaderModifierEntry[][] {
  const out: HeaderModifierEntry[][] = [];
  const fromFilters = (filters: unknown, path: FieldPath) =>
    asArray(filters).forEach((f, k) => {
      for (const field of MODIFIERS) {
        const modifier = asObject(asObject(f)?.[field]);
        if (!modifier) continue;
        const at = [...path, k, field];
        const entries: HeaderModifierEntry[] = [];
        for (const list of ["set", "add"] as const) {
          asArray(modifier[list]).forEach((e, n) => {
            const name = asString(asObject(e)?.name);
            if (name) entries.push({ list, name, path: [...at, list, n, "name"] });
          });
        }
        asArray(modifier.remove).forEach((name, n) => {
          if (typeof name === "string" && name) entries.push({ list: "remove", name, path: [...at, "remove", n] });
        });
        out.push(entries);
      }
    });
  asArray(spec(route).rules).forEach((rule, i) => {
    const r = asObject(rule);
    fromFilters(r?.filters, ["spec", "rules", i, "filters"]);
    asArray(r?.backendRefs).forEach((b, j) => fromFilters(asObject(b)?.filters, ["spec", "rules", i, "backendRefs", j, "filters"]));
  });
  return out;
}
