import { defineRule } from "../../src/engine/rule.js";
import { normalizePrincipal, parsePolicy, stringMatches, trustDomains } from "../../src/istio/authz.js";
import { holdsWorkloads, holdsKind } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../../src/model/resource-index.js";

/**
 * `namespace/serviceAccount` of every workload and declared ServiceAccount (the installation's gateways included),
 * and their principals under the trust domain and each alias.
 */
function knownAccounts(index: ResourceIndex): { accounts: ReadonlySet<string>; principals: readonly string[] } {
  return index.memo("authz/known-service-accounts", [K.ServiceAccount, ...WORKLOAD_KINDS], () => {
    const accounts = new Set<string>();
    for (const w of index.workloads().all) accounts.add(`${w.namespace}/${w.serviceAccount}`);
    for (const sa of index.all(K.ServiceAccount)) accounts.add(`${sa.namespace}/${sa.name}`);
    const { domain, aliases } = trustDomains(index);
    const principals = [...accounts].flatMap((a) => [domain, ...aliases].map((d) => `${d}/ns/${a.replace("/", "/sa/")}`));
    return { accounts, principals };
  });
}

export default defineRule({
  meta: {
    id: "authorizationpolicy-principal-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An AuthorizationPolicy principal names a service account no workload in the repository runs as, or a trust domain the mesh does not use.",
    aliases: [
      { tool: "kiali", code: "KIA0106", match: "same", messageIds: ["accountNotFound", "patternNotFound", "malformed"] },
      { tool: "kiali", code: "KIA0108", match: "same", messageIds: ["trustDomainUnknown"] },
    ],
    messages: {
      accountNotFound: 'Principal "{{principal}}" names service account "{{account}}", which no workload runs as and no ServiceAccount declares.',
      patternNotFound: 'Principal pattern "{{principal}}" matches no service account of the repository.',
      malformed: 'Principal "{{principal}}" is not of the form "<trust domain>/ns/<namespace>/sa/<service account>", so it matches no workload.',
      trustDomainUnknown: 'Principal "{{principal}}" is in trust domain "{{domain}}", which is neither the mesh\'s ("{{trustDomain}}") nor one of its aliases.',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [K.ServiceAccount, ...WORKLOAD_KINDS],
  check(policy, ctx) {
    const { index } = ctx;
    // Service accounts are judged only when the repository holds some (as workloads or ServiceAccounts).
    if (!holdsKind(index, K.ServiceAccount) && !holdsWorkloads(index)) return;
    const { domain, aliases } = trustDomains(index);
    const domains = [domain, ...aliases];
    const { accounts, principals } = knownAccounts(index);
    for (const rule of parsePolicy(policy).rules ?? []) {
      for (const source of rule.from ?? []) {
        for (const field of ["principals", "notPrincipals"] as const) {
          (source.fields[field] ?? []).forEach((principal, k) => {
            if (principal === "*") return;
            const base = { resource: policy, path: [...source.path, field, k] };
            if (principal.includes("*")) {
              const pattern = normalizePrincipal(index, principal);
              if (principals.some((p) => stringMatches(pattern, p))) return;
              // Istio matches by prefix (`abc*`), suffix (`*abc`) or presence (`*`) only; any other `*` is literal.
              const inner = principal.slice(1, -1).includes("*");
              ctx.report({
                ...base,
                messageId: "patternNotFound",
                data: { principal },
                ...(inner ? { help: "Istio reads \"*\" only at the start or the end of a principal; anywhere else it is a literal character." } : {}),
              });
              return;
            }
            const m = /^(.+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
            if (!m) {
              ctx.report({ ...base, messageId: "malformed", data: { principal }, help: "Write principals as cluster.local/ns/<namespace>/sa/<service account>." });
              return;
            }
            const [, td = "", ns = "", sa = ""] = m;
            if (!domains.includes(td) && td !== "cluster.local") {
              ctx.report({ ...base, messageId: "trustDomainUnknown", data: { principal, domain: td, trustDomain: domain }, help: "Use the mesh's trust domain, or add this one to meshConfig.trustDomainAliases." });
              return;
            }
            if (!accounts.has(`${ns}/${sa}`)) {
              ctx.report({ ...base, messageId: "accountNotFound", data: { principal, account: `${ns}/${sa}` }, help: "Fix the namespace or service account name, or declare the ServiceAccount." });
            }
          });
        }
      }
    }
  },
});
