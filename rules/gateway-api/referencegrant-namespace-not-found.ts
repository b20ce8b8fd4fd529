import { defineRule } from "../../src/engine/rule.js";
import { ROUTE_KINDS } from "../../src/gateway-api/references.js";
import { isAssumed } from "../../src/model/installation.js";
import { K, kindId } from "../../src/model/kinds.js";
import { asArray, asObject, asString, spec } from "../../src/model/resource.js";
import { holdsKind } from "../../src/model/evidence.js";

/** The kinds that refer across namespaces under a ReferenceGrant (routes to backends, Gateways to Secrets). */
const REFERRERS = [...ROUTE_KINDS, K.KubernetesGateway];

export default defineRule({
  meta: {
    id: "referencegrant-namespace-not-found",
    area: "gateway-api",
    category: "suspicious",
    severity: "warning",
    description:
      "A ReferenceGrant grants access to a namespace that the repository, which declares its namespaces, neither declares nor places any referring object in.",
    aliases: [{ tool: "kiali", code: "KIA1601", match: "same" }],
    messages: {
      namespaceNotFound: 'Namespace "{{namespace}}" in from[{{index}}] is not declared and holds no {{kind}} of the repository, so this entry grants nothing.',
    },
  },
  target: [K.ReferenceGrant],
  reads: [K.Namespace, ...REFERRERS],
  check(grant, ctx) {
    // Judged only when the repository declares Namespace objects: then it is taken to declare all of its namespaces.
    if (!holdsKind(ctx.index, K.Namespace)) return;
    const namespaces = ctx.index.namespaces();
    const referrers = ctx.index.memo("referencegrant-namespace-not-found/referrers", REFERRERS, () => {
      const set = new Set<string>();
      for (const kind of REFERRERS) for (const r of ctx.index.all(kind)) if (!isAssumed(r)) set.add(`${kindId(r)}\u0000${r.namespace}`);
      return set;
    });
    asArray(spec(grant).from).forEach((f, index) => {
      const from = asObject(f);
      const namespace = asString(from?.namespace);
      const kind = asString(from?.kind) ?? "";
      if (!namespace) return;
      const declared = namespaces.declared(namespace);
      if (declared && !isAssumed(declared)) return;
      if (referrers.has(`${kindId({ group: asString(from?.group) ?? "", kind })}\u0000${namespace}`)) return;
      ctx.report({
        resource: grant,
        path: ["spec", "from", index, "namespace"],
        messageId: "namespaceNotFound",
        data: { namespace, index, kind },
        help: "Fix the namespace name, or declare the Namespace.",
      });
    });
  },
});
