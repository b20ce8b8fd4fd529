import { defineRule } from "../../src/engine/rule.js";
import { parsePolicy } from "../../src/istio/authz.js";
import { policiesApplyingTo, policyTarget, policyWorkloads } from "../../src/istio/policy-targets.js";
import { workloadName } from "../../src/istio/selection.js";
import { holdsKind } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { isLinted } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "authorizationpolicy-request-authentication-missing",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A DENY rule with notRequestPrincipals applies to workloads no RequestAuthentication covers, so it denies every request it otherwise matches.",
    messages: {
      denyAll:
        'No RequestAuthentication applies to {{workloads}}, so no request to them carries a request principal and this "notRequestPrincipals" denies every request the rule otherwise matches.',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [K.RequestAuthentication, ...WORKLOAD_KINDS],
  check(policy, ctx) {
    const parsed = parsePolicy(policy);
    if (parsed.action !== "DENY" || parsed.dryRun) return;
    const sources = (parsed.rules ?? []).flatMap((r) => r.from ?? []).filter((s) => s.fields.notRequestPrincipals);
    if (sources.length === 0 || policyTarget(policy).kind === "targetRefs") return;
    // Judged only over the repository's own workloads: a request principal exists only where a RequestAuthentication
    // validated a JWT for the pod.
    const uncovered = (policyWorkloads(ctx.index, policy) ?? [])
      .filter((w) => isLinted(w.resource))
      .filter((w) => policiesApplyingTo(ctx.index, K.RequestAuthentication, w).length === 0);
    if (uncovered.length === 0) return;
    const shown = uncovered.slice(0, 3).map(workloadName).join(", ") + (uncovered.length > 3 ? ` and ${uncovered.length - 3} more` : "");
    for (const source of sources) {
      ctx.report({
        resource: policy,
        path: [...source.path, "notRequestPrincipals"],
        messageId: "denyAll",
        data: { workloads: shown },
        help: "Add a RequestAuthentication for these workloads (in their namespace, or the root namespace for the mesh), or narrow the policy's selector.",
        // A repository that keeps no RequestAuthentication may have the mesh-wide one elsewhere (the root namespace).
        ...(holdsKind(ctx.index, K.RequestAuthentication) ? {} : { severity: "info" as const }),
      });
    }
  },
});
