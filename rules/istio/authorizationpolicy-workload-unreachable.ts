import { defineRule } from "../../src/engine/rule.js";
import { type Source, applicablePolicies, identityOnlySources, normalizePrincipal, principalOf, sourceAdmits } from "../../src/istio/authz.js";
import { mayBeInMesh } from "../../src/istio/injection.js";
import { K } from "../../src/model/kinds.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { workloadOf } from "../../src/model/workloads.js";
import { addTo } from "../../src/base/multimap.js";

interface Caller {
  readonly namespace: string;
  readonly serviceAccount: string;
}

/** Every caller identity of the repository (and of the installation's gateways), indexed for exact lookups. */
function knownCallers(index: ResourceIndex) {
  return index.memo("authz/known-callers", [K.Namespace, ...WORKLOAD_KINDS], () => {
    const all = new Map<string, Caller>();
    for (const w of index.workloads().all) {
      if (mayBeInMesh(index, w)) all.set(`${w.namespace}/${w.serviceAccount}`, { namespace: w.namespace, serviceAccount: w.serviceAccount });
    }
    const byPrincipal = new Map<string, Caller>();
    const byNamespace = new Map<string, Caller[]>();
    for (const c of all.values()) {
      byPrincipal.set(principalOf(index, c.namespace, c.serviceAccount), c);
      addTo(byNamespace, c.namespace, c);
    }
    return { all: [...all.values()], byAccount: all, byPrincipal, byNamespace };
  });
}

/** The known callers a source may admit: narrowed by its exact values first, then checked in full. */
function admitsSomeone(index: ResourceIndex, source: Source): boolean {
  const known = knownCallers(index);
  const exact = (field: string) => {
    const values = source.fields[field];
    return values && values.every((v) => !v.includes("*")) ? values : undefined;
  };
  const principals = exact("principals");
  const accounts = exact("serviceAccounts");
  const namespaces = exact("namespaces");
  const candidates: readonly (Caller | undefined)[] = principals
    ? principals.map((p) => known.byPrincipal.get(normalizePrincipal(index, p)))
    : accounts
      ? accounts.map((a) => known.byAccount.get(a))
      : namespaces
        ? namespaces.flatMap((n) => known.byNamespace.get(n) ?? [])
        : known.all;
  return candidates.some((c) => c !== undefined && sourceAdmits(index, source, c.namespace, c.serviceAccount));
}

export default defineRule({
  meta: {
    id: "authorizationpolicy-workload-unreachable",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "ALLOW policies select a workload, but their rules admit no caller that exists in the repository, so nothing can reach it.",
    messages: {
      unreachable: 'No workload of the repository can call this one: the ALLOW policies that select it ({{policies}}) admit only callers that do not exist here.',
    },
  },
  target: WORKLOAD_KINDS,
  reads: [K.AuthorizationPolicy, K.Namespace],
  check(resource, ctx) {
    const { index } = ctx;
    const w = workloadOf(resource);
    if (!w || !mayBeInMesh(index, w)) return;
    const allow = applicablePolicies(index, w).filter((p) => p.action === "ALLOW" && !p.dryRun && (p.rules ?? []).length > 0);
    // Only ALLOW policies with rules count: an allow-nothing policy alone is a deliberate lockdown.
    if (!allow.length) return;
    const reachable = allow.some((p) => (p.rules ?? []).some((r) => !identityOnlySources(r) || (r.from ?? []).some((s) => admitsSomeone(index, s))));
    if (reachable) return;
    ctx.report({
      resource,
      messageId: "unreachable",
      data: { policies: allow.map((p) => `"${p.resource.namespace}/${p.resource.name}"`).join(", ") },
      help: "Check the principals, namespaces and service accounts of these rules against the callers' service accounts.",
      related: allow.map((p) => ({ resource: p.resource, path: ["spec", "rules"], message: "ALLOW policy selecting this workload" })),
    });
  },
});
