import { defineRule } from "../../src/engine/rule.js";
import { parsePolicy } from "../../src/istio/authz.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asObject, asString, spec } from "../../src/model/resource.js";
import { type ResourceIndex } from "../../src/model/resource-index.js";
import { HOST_KINDS, canonicalHost, resolveHost } from "../../src/istio/hosts.js";
import { holdsKind } from "../../src/model/evidence.js";

/** Hosts of every VirtualService as the hosts they stand for (a VirtualService host is also a name callers use). */
function virtualServiceHosts(index: ResourceIndex): ReadonlySet<string> {
  return index.memo("authz/virtual-service-hosts", [K.VirtualService, ...HOST_KINDS], () => {
    const out = new Set<string>();
    for (const vs of index.all(K.VirtualService)) {
      for (const h of asArray(spec(vs).hosts)) if (typeof h === "string") out.add(canonicalHost(index, h, vs.namespace));
    }
    return out;
  });
}

export default defineRule({
  meta: {
    id: "authorizationpolicy-host-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An AuthorizationPolicy operation names a service host (a short name or `name.namespace`) that no Service, ServiceEntry or VirtualService defines.",
    aliases: [{ tool: "kiali", code: "KIA0104", match: "same" }],
    messages: {
      hostNotFound: 'Host "{{host}}" matches no Service, ServiceEntry or VirtualService host visible from namespace "{{namespace}}".',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [K.VirtualService, ...HOST_KINDS],
  check(policy, ctx) {
    const { index } = ctx;
    if (!holdsKind(index, K.Service) && !holdsKind(index, K.ServiceEntry) && !holdsKind(index, K.VirtualService)) return;
    for (const rule of parsePolicy(policy).rules ?? []) {
      for (const op of rule.to ?? []) {
        (op.fields.hosts ?? []).forEach((value, k) => {
          const host = value.replace(/:\d+$/, "").toLowerCase();
          if (!host || host.includes("*")) return;
          // Like Kiali: only registry-style names are checked; other dotted values are Host header matchers.
          const labels = host.split(".");
          if (labels.length > 2 || (labels.length === 2 && !index.namespaces().exists(labels[1] as string))) return;
          const found = resolveHost(index, host, policy.namespace);
          if (found.entries.length || found.external || virtualServiceHosts(index).has(found.host)) return;
          ctx.report({
            resource: policy,
            path: [...op.path, "hosts", k],
            messageId: "hostNotFound",
            data: { host: value, namespace: policy.namespace },
            help: "Name an existing Service (short name or name.namespace), or the Host header the callers really send.",
            ...(asString(asObject(index.settings.meshConfig.outboundTrafficPolicy)?.mode) === "REGISTRY_ONLY" ? { severity: "error" as const } : {}),
          });
        });
      }
    }
  },
});
