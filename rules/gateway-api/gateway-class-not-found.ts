import { nearestName } from "../../src/base/edit-distance.js";
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
    description: "A Gateway names a GatewayClass that the repository does not define while it defines its own, or a misspelling of a class it or the installation provides.",
    aliases: [{ tool: "kiali", code: "KIA1504", match: "same" }],
    messages: {
      classNotFound: 'GatewayClass "{{name}}" does not exist (known: {{known}}).',
      classMisspelled: 'GatewayClass "{{name}}" does not exist; "{{nearest}}" does.',
    },
  },
  target: [K.KubernetesGateway],
  reads: [K.GatewayClass],
  check(gateway, ctx) {
    const name = asString(spec(gateway).gatewayClassName);
    if (!name) return;
    // The installation's classes (Istio's, or those the settings list) count only when the repository defines none.
    const all = ctx.index.all(K.GatewayClass);
    const own = all.filter((c) => !isAssumed(c));
    const known = own.length ? own : all;
    if (known.some((c) => c.name === name)) return;
    const path = ["spec", "gatewayClassName"];
    // The classes are known when the repository defines its own, or the settings list the cluster's.
    if (own.length || ctx.settings.installation.exactGatewayClasses) {
      ctx.report({
        resource: gateway,
        path,
        messageId: "classNotFound",
        data: { name, known: [...new Set(known.map((c) => `"${c.name}"`))].join(", ") || "none" },
        help: own.length ? "Use one of the repository's GatewayClasses, or define this one." : "Use one of the cluster's GatewayClasses, or add this one to settings.installation.gatewayClasses.",
      });
      return;
    }
    // Otherwise the class may come with a controller installed outside the repository (GKE's gke-l7-*, Envoy
    // Gateway, NGINX Gateway Fabric, Cilium, ...): only a near miss of a class meshlint knows is worth a finding.
    const nearest = nearestName(name, known.map((c) => c.name));
    if (!nearest) return;
    ctx.report({
      resource: gateway,
      path,
      messageId: "classMisspelled",
      data: { name, nearest },
      help: `Write "${nearest}", or list the cluster's classes in settings.installation.gatewayClasses if "${name}" is one of them.`,
    });
  },
});
