import { defineRule } from "../../src/engine/rule.js";
import { routeDestinations } from "../../src/model/istio/routes.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-destination-host-not-found",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A route or mirror destination host resolves to no Service or ServiceEntry visible from the VirtualService.",
    aliases: [
      { tool: "istioctl", code: "IST0101", match: "partial" },
      { tool: "kiali", code: "KIA1101", match: "same" },
    ],
    messages: {
      hostNotFound: 'Host "{{host}}" is not a Service or ServiceEntry visible from namespace "{{namespace}}".',
      hostNotExported: 'Host "{{host}}" exists but its {{kind}} "{{owner}}" is not exported to namespace "{{namespace}}".',
    },
  },
  target: [K.VirtualService],
  reads: [K.Service, K.ServiceEntry, K.Namespace],
  check(vs, ctx) {
    if (!ctx.index.inRepository(K.Service) && !ctx.index.inRepository(K.ServiceEntry)) return;
    const hosts = ctx.index.hosts();
    for (const d of routeDestinations(vs)) {
      if (d.host.startsWith("*")) continue;
      const found = hosts.lookup(d.host, vs.namespace);
      if (found.entries.length || found.external) continue;
      const hidden = found.hidden[0];
      if (hidden) {
        ctx.report({
          resource: vs,
          path: [...d.path, "host"],
          messageId: "hostNotExported",
          data: { host: d.host, kind: hidden.resource.kind, owner: `${hidden.resource.namespace}/${hidden.resource.name}`, namespace: vs.namespace },
          help: `Add "${vs.namespace}" to the exportTo of ${hidden.resource.kind} "${hidden.resource.name}".`,
          related: [{ resource: hidden.resource, message: "not exported here" }],
        });
        continue;
      }
      ctx.report({
        resource: vs,
        path: [...d.path, "host"],
        messageId: "hostNotFound",
        data: { host: d.host, namespace: vs.namespace },
        help: "Fix the host name, or add a ServiceEntry for a host outside the mesh.",
      });
    }
  },
});
