import { defineRule } from "../../src/engine/rule.js";
import { ANY_KIND } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "resource-duplicate",
    area: "kubernetes",
    category: "correctness",
    severity: "error",
    description: "The same kind, namespace and name is defined twice; whichever is applied last silently wins.",
    messages: {
      duplicate: '{{kind}} "{{name}}" in namespace "{{namespace}}" is already defined at {{first}}.',
      duplicateClusterScoped: '{{kind}} "{{name}}" is already defined at {{first}}.',
    },
  },
  reads: [ANY_KIND],
  checkAll(ctx) {
    for (const group of ctx.index.duplicates()) {
      const [first, ...rest] = group;
      if (!first?.name) continue;
      const at = first.origin.locate(["metadata", "name"]);
      const where = at ? `${at.file}:${at.line}` : (first.origin.file ?? "another input");
      for (const again of rest) {
        ctx.report({
          resource: again,
          path: ["metadata", "name"],
          messageId: again.namespace ? "duplicate" : "duplicateClusterScoped",
          data: { kind: again.kind, name: again.name, namespace: again.namespace, first: where },
          help: "Remove one of the definitions, or give them different names.",
          related: [{ resource: first, path: ["metadata", "name"], message: "first definition" }],
        });
      }
    }
  },
});
