import { defineRule } from "../../src/engine/rule.js";
import { isAssumed } from "../../src/model/installation.js";
import { K } from "../../src/model/kinds.js";
import { asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "gateway-class-not-found",
    area: "gateway-api",
    category: "correctness",
    severity: "warning",
    description: "A Gateway names a GatewayClass that neither the repository nor the mesh installation provides, so no controller may program it.",
    aliases: [{ tool: "kiali", code: "KIA1504", match: "same" }],
    messages: {
      classNotFound: 'GatewayClass "{{name}}" does not exist (known: {{known}}).',
    },
  },
  target: [K.KubernetesGateway],
  reads: [K.GatewayClass],
  check(gateway, ctx) {
    const name = asString(spec(gateway).gatewayClassName);
    if (!name) return;
    // The installation's classes (istio, istio-waypoint, istio-remote) count only when the repository defines none.
    const all = ctx.index.all(K.GatewayClass);
    const own = all.filter((c) => !isAssumed(c));
    const known = own.length ? own : all;
    if (known.some((c) => c.name === name)) return;
    ctx.report({
      resource: gateway,
      path: ["spec", "gatewayClassName"],
      messageId: "classNotFound",
      data: { name, known: [...new Set(known.map((c) => `"${c.name}"`))].join(", ") || "none" },
      help: own.length ? "Use one of the repository's GatewayClasses, or define this one." : "Use the mesh's class, or define the GatewayClass your controller provides.",
    });
  },
});
