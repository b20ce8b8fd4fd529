import { defineRule } from "../../src/engine/rule.js";
import { type HostLookup, exportClientNamespaces, resolveHost, trustDomainHint } from "../../src/istio/hosts.js";
import { repositoryDefinesHosts } from "../../src/istio/evidence.js";
import { routeDestinations } from "../../src/istio/routes.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-destination-host-not-found",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A route or mirror destination host resolves to no Service or ServiceEntry visible where the VirtualService applies.",
    aliases: [
      { tool: "istioctl", code: "IST0101", match: "partial" },
      { tool: "kiali", code: "KIA1101", match: "same" },
    ],
    messages: {
      hostNotFound: 'Host "{{host}}" is not a Service or ServiceEntry visible from namespace "{{namespace}}".',
      hostNotExported: 'Host "{{host}}" exists but its {{kind}} "{{owner}}" is not exported to namespace "{{namespace}}".',
      idleHostNotFound: 'Host "{{host}}" is not a Service or ServiceEntry visible from namespace "{{namespace}}"; with weight 0 it receives no traffic until it exists.',
    },
  },
  target: [K.VirtualService],
  reads: [K.Service, K.ServiceEntry, K.Namespace],
  check(vs, ctx) {
    if (!repositoryDefinesHosts(ctx.index)) return;
    const clients = exportClientNamespaces(vs);
    for (const d of routeDestinations(vs)) {
      if (d.host.startsWith("*") || clients.length === 0) continue;
      const lookups: HostLookup[] = [];
      for (const ns of clients) {
        const found = resolveHost(ctx.index, d.host, vs.namespace, ns);
        lookups.push(found);
        if (found.entries.length || found.external) break;
      }
      if (lookups.some((l) => l.entries.length || l.external)) continue;
      const namespace = clients[0] as string;
      const hidden = lookups.flatMap((l) => l.hidden)[0];
      if (hidden) {
        ctx.report({
          resource: vs,
          path: [...d.path, "host"],
          messageId: "hostNotExported",
          data: { host: d.host, kind: hidden.resource.kind, owner: `${hidden.resource.namespace}/${hidden.resource.name}`, namespace },
          help: `Add "${namespace}" to the exportTo of ${hidden.resource.kind} "${hidden.resource.name}".`,
          related: [{ resource: hidden.resource, message: "not exported here" }],
          ...(d.idle ? { severity: "warning" as const } : {}),
        });
        continue;
      }
      // A weight-0 destination beside weighted ones is the first step of a canary: nothing is sent to it yet.
      ctx.report({
        resource: vs,
        path: [...d.path, "host"],
        messageId: d.idle ? "idleHostNotFound" : "hostNotFound",
        data: { host: d.host, namespace },
        help: d.idle
          ? "Create the Service (or ServiceEntry) before giving this destination weight, or remove the destination."
          : (trustDomainHint(ctx.index, d.host) ?? "Fix the host name, or add a ServiceEntry for a host outside the mesh."),
        ...(d.idle ? { severity: "warning" as const } : {}),
      });
    }
  },
});
