import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asArray, spec } from "../../src/model/resource.js";
import { holdsKind } from "../../src/model/evidence.js";

export default defineRule({
  meta: {
    id: "exportto-namespace-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "The exportTo of a VirtualService, DestinationRule or ServiceEntry names a namespace the repository does not have.",
    aliases: [{ tool: "kiali", code: "KIA0005", match: "same" }],
    messages: {
      namespaceNotFound: 'exportTo names namespace "{{namespace}}", which does not exist; the {{kind}} is not visible anywhere through it.',
    },
  },
  target: [K.VirtualService, K.DestinationRule, K.ServiceEntry],
  reads: [K.Namespace],
  check(r, ctx) {
    // Judged only where the repository declares its namespaces; otherwise any namespace may exist.
    if (!holdsKind(ctx.index, K.Namespace)) return;
    const namespaces = ctx.index.namespaces();
    asArray(spec(r).exportTo).forEach((e, i) => {
      if (typeof e !== "string" || e === "." || e === "*" || e === "~" || namespaces.exists(e)) return;
      ctx.report({
        resource: r,
        path: ["spec", "exportTo", i],
        messageId: "namespaceNotFound",
        data: { namespace: e, kind: r.kind },
        help: `Fix the namespace name, or add a Namespace "${e}" to the repository.`,
      });
    });
  },
});
