import { defineRule } from "../../src/engine/rule.js";
import { HOST_KINDS, type HostLookup, exportClientNamespaces, namespaceOfFqdn, resolveHost, trustDomainHint } from "../../src/istio/hosts.js";
import { repositoryDefinesHosts } from "../../src/istio/evidence.js";
import { holdsWorkloads } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { asObject, asString, spec } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

const APP_LABELS = ["app", "app.kubernetes.io/name"];

export default defineRule({
  meta: {
    id: "destinationrule-host-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A DestinationRule's host matches no Service or ServiceEntry visible where it applies, so it configures nothing.",
    aliases: [
      { tool: "istioctl", code: "IST0174", match: "same" },
      { tool: "kiali", code: "KIA0202", match: "same" },
    ],
    messages: {
      hostNotFound: 'Host "{{host}}" is not a Service or ServiceEntry visible from namespace "{{namespace}}"; this DestinationRule applies to nothing.',
      hostNotExported: 'Host "{{host}}" exists but its {{kind}} "{{owner}}" is not exported to namespace "{{namespace}}"; this DestinationRule applies to nothing there.',
    },
  },
  target: [K.DestinationRule],
  reads: [...HOST_KINDS, ...WORKLOAD_KINDS],
  check(dr, ctx) {
    const written = asString(spec(dr).host);
    // Wildcard hosts are policies for whatever matches them, not references.
    if (!written || written.includes("*")) return;
    if (!repositoryDefinesHosts(ctx.index) && !holdsWorkloads(ctx.index)) return;
    const clients = exportClientNamespaces(dr);
    if (clients.length === 0) return;
    const lookups: HostLookup[] = clients.map((ns) => resolveHost(ctx.index, written, dr.namespace, ns));
    if (lookups.some((l) => l.entries.length || l.external)) return;
    // As Kiali does: workloads labelled app=<name> in the DestinationRule's namespace stand for a Service created elsewhere.
    const fqdn = lookups[0]?.host ?? "";
    if (namespaceOfFqdn(ctx.index, fqdn) === dr.namespace) {
      const name = fqdn.split(".")[0];
      if (ctx.index.workloads().inNamespace(dr.namespace).some((w) => APP_LABELS.some((l) => w.labels[l] === name))) return;
    }
    const mode = asString(asObject(ctx.settings.meshConfig.outboundTrafficPolicy)?.mode);
    const severity = mode === "REGISTRY_ONLY" ? ("error" as const) : undefined;
    const namespace = clients[0] as string;
    const hidden = lookups.flatMap((l) => l.hidden)[0];
    if (hidden) {
      ctx.report({
        resource: dr,
        path: ["spec", "host"],
        messageId: "hostNotExported",
        data: { host: written, kind: hidden.resource.kind, owner: `${hidden.resource.namespace}/${hidden.resource.name}`, namespace },
        help: `Add "${namespace}" to the exportTo of ${hidden.resource.kind} "${hidden.resource.name}", or move the DestinationRule.`,
        related: [{ resource: hidden.resource, message: "not exported here" }],
        ...(severity ? { severity } : {}),
      });
      return;
    }
    ctx.report({
      resource: dr,
      path: ["spec", "host"],
      messageId: "hostNotFound",
      data: { host: written, namespace },
      help: trustDomainHint(ctx.index, written) ?? "Fix the host (a short name is a Service in the DestinationRule's namespace), or add a ServiceEntry for it.",
      ...(severity ? { severity } : {}),
    });
  },
});
