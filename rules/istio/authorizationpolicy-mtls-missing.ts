import { defineRule } from "../../src/engine/rule.js";
import { AUTHZ_KINDS, IDENTITY_CONDITION_KEYS, IDENTITY_SOURCE_FIELDS, parsePolicy } from "../../src/istio/authz.js";
import { mayBeInMesh } from "../../src/istio/injection.js";
import { ANY_SERVICE, MTLS_KINDS, autoMtlsEnabled, connection } from "../../src/istio/mtls.js";
import { type PodRef, policyTarget, policyWorkloads } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { type FieldPath, isLinted } from "../../src/model/resource.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import { serviceFqdn, servicesSelecting } from "../../src/model/services.js";

/** Why traffic to a pod carries no peer identity, or undefined when it does (callers in the pod's namespace). */
function whyNoMtls(index: ResourceIndex, pod: PodRef): string | undefined {
  const service = servicesSelecting(index, pod)[0];
  const host = service?.fqdn ?? serviceFqdn(ANY_SERVICE, pod.namespace, index.settings.clusterDomain);
  const c = connection(index, { fromNamespace: pod.namespace, sourceInMesh: true, host, hostNamespaces: [pod.namespace], servicePort: undefined, pod, targetInMesh: true, targetPort: undefined });
  if (c.server.mode === "DISABLE") return `PeerAuthentication "${c.server.policy?.namespace}/${c.server.policy?.name}" disables mTLS`;
  if (c.transport !== "mtls") {
    return c.client.mode
      ? `DestinationRule "${c.client.rule?.namespace}/${c.client.rule?.name}" sets TLS mode "${c.client.mode}"`
      : "auto mTLS is off and no DestinationRule sets ISTIO_MUTUAL";
  }
  // Like Kiali: with auto mTLS off, mTLS counts as enabled only where a PeerAuthentication states it.
  if (!autoMtlsEnabled(index) && !c.server.policy) return "auto mTLS is off and no PeerAuthentication enables mTLS";
  return undefined;
}

export default defineRule({
  meta: {
    id: "authorizationpolicy-mtls-missing",
    area: "istio",
    category: "security",
    severity: "error",
    description: "An AuthorizationPolicy matches on peer identity (principals, namespaces, service accounts) where mTLS is not in effect, so those fields never match.",
    aliases: [{ tool: "kiali", code: "KIA0105", match: "same" }],
    messages: {
      identityWithoutMtls: '"{{field}}" needs the caller\'s mTLS identity, but traffic to {{target}} is not mutual TLS: {{reason}}.',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [...new Set([...AUTHZ_KINDS, ...MTLS_KINDS])].filter((k) => k !== K.AuthorizationPolicy),
  check(policy, ctx) {
    const { index } = ctx;
    const fields: { path: FieldPath; field: string }[] = [];
    for (const rule of parsePolicy(policy).rules ?? []) {
      for (const source of rule.from ?? []) {
        for (const f of Object.keys(source.fields)) if (IDENTITY_SOURCE_FIELDS.has(f)) fields.push({ path: [...source.path, f], field: f });
      }
      for (const c of rule.when) if (IDENTITY_CONDITION_KEYS.has(c.key)) fields.push({ path: c.path, field: c.key });
    }
    if (!fields.length) return;
    const target = policyTarget(policy);
    if (target.kind === "targetRefs") return;
    const workloads = (policyWorkloads(index, policy) ?? []).filter(
      (w) => isLinted(w.resource) && mayBeInMesh(index, w),
    );
    const pods: { pod: PodRef; name: string }[] = workloads.length
      ? workloads.map((w) => ({ pod: w, name: `${w.resource.kind} "${w.namespace}/${w.resource.name}"` }))
      : [{ pod: { namespace: policy.namespace, labels: target.kind === "selector" ? target.selector.matchLabels : {} }, name: `the workloads of namespace "${policy.namespace}"` }];
    for (const { pod, name } of pods) {
      const reason = whyNoMtls(index, pod);
      if (!reason) continue;
      for (const f of fields) {
        ctx.report({
          resource: policy,
          path: f.path,
          messageId: "identityWithoutMtls",
          data: { field: f.field, target: name, reason },
          help: "Enable mutual TLS for these workloads (PeerAuthentication STRICT or PERMISSIVE with ISTIO_MUTUAL clients), or match callers by other attributes.",
        });
      }
      return;
    }
  },
});
