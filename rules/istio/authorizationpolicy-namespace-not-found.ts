import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { type FieldPath, asArray, asObject, spec } from "../../src/model/resource.js";
import { holdsKind } from "../../src/model/evidence.js";

/** Istio's namespace patterns: `*`, a `*suffix`, a `prefix*`, or an exact name. */
function namespaceMatches(pattern: string, name: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*")) return name.endsWith(pattern.slice(1));
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  return name.toLowerCase() === pattern.toLowerCase();
}

export default defineRule({
  meta: {
    id: "authorizationpolicy-namespace-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An AuthorizationPolicy source names a namespace (or namespace pattern) that matches no namespace.",
    aliases: [
      { tool: "istioctl", code: "IST0101", match: "partial" },
      { tool: "kiali", code: "KIA0101", match: "same", messageIds: ["namespaceNotFound"] },
    ],
    messages: {
      namespaceNotFound: 'Source namespace "{{namespace}}" matches no namespace.',
      notNamespaceNotFound: 'Excluded source namespace "{{namespace}}" matches no namespace.',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [K.Namespace],
  check(policy, ctx) {
    // Namespaces are judged only where the repository declares its namespaces; otherwise they live elsewhere.
    if (!holdsKind(ctx.index, K.Namespace)) return;
    const names = [...ctx.index.namespaces().names];
    asArray(spec(policy).rules).forEach((rule, i) => {
      asArray(asObject(rule)?.from).forEach((from, j) => {
        const source = asObject(asObject(from)?.source);
        for (const field of ["namespaces", "notNamespaces"] as const) {
          asArray(source?.[field]).forEach((ns, k) => {
            if (typeof ns !== "string" || names.some((n) => namespaceMatches(ns, n))) return;
            const path: FieldPath = ["spec", "rules", i, "from", j, "source", field, k];
            ctx.report({
              resource: policy,
              path,
              messageId: field === "namespaces" ? "namespaceNotFound" : "notNamespaceNotFound",
              data: { namespace: ns },
              help: "Fix the namespace name, or declare the Namespace in the repository.",
            });
          });
        }
      });
    });
  },
});
