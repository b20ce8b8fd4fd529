import { defineRule } from "../../src/engine/rule.js";
import { type HeaderName, headerMatchLists, headerModifiers } from "../../src/gateway-api/headers.js";
import { K } from "../../src/model/kinds.js";

/** Each entry with the earlier entry of the same name, compared case-insensitively. */
function repeats<T extends HeaderName>(entries: readonly T[]): { entry: T; first: T }[] {
  const seen = new Map<string, T>();
  const out: { entry: T; first: T }[] = [];
  for (const entry of entries) {
    const first = seen.get(entry.name.toLowerCase());
    if (first) out.push({ entry, first });
    else seen.set(entry.name.toLowerCase(), entry);
  }
  return out;
}

export default defineRule({
  meta: {
    id: "route-header-duplicate",
    area: "gateway-api",
    category: "correctness",
    severity: "warning",
    description:
      "A route match or header modifier names one header twice in different case (header names are case-insensitive), which the old Gateway API webhook rejected and CEL does not.",
    messages: {
      matchDuplicate: 'Header "{{name}}" is already matched as "{{first}}"; header names are case-insensitive, so this match is ignored.',
      modifierDuplicate: 'Header "{{name}}" is already in {{firstList}} as "{{first}}"; a header may appear only once across set, add and remove.',
    },
  },
  target: [K.HTTPRoute, K.GRPCRoute],
  reads: [],
  check(route, ctx) {
    // Exact repeats within one list are the schema's (list-map keys); this rule adds case and cross-list repeats.
    for (const list of headerMatchLists(route)) {
      for (const { entry, first } of repeats(list)) {
        if (entry.name === first.name) continue;
        ctx.report({ resource: route, path: entry.path, messageId: "matchDuplicate", data: { name: entry.name, first: first.name }, help: "Remove one of the two matches." });
      }
    }
    for (const filter of headerModifiers(route)) {
      for (const { entry, first } of repeats(filter)) {
        if (entry.name === first.name && entry.list === first.list) continue;
        ctx.report({
          resource: route,
          path: entry.path,
          messageId: "modifierDuplicate",
          data: { name: entry.name, first: first.name, firstList: first.list },
          help: "Keep one entry per header: set replaces a value, add appends one, remove drops the header.",
        });
      }
    }
  },
});
