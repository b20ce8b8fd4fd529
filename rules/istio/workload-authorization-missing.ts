import { defineRule } from "../../src/engine/rule.js";
import { mayBeInMesh } from "../../src/istio/injection.js";
import { policyWorkloads } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { workloadOf } from "../../src/model/workloads.js";
import { holdsKind } from "../../src/model/evidence.js";

export default defineRule({
  meta: {
    id: "workload-authorization-missing",
    area: "istio",
    category: "security",
    severity: "info",
    description: "No AuthorizationPolicy of its namespace or of the root namespace applies to a workload, so all traffic to it is allowed.",
    aliases: [{ tool: "kiali", code: "KIA1301", match: "same" }],
    messages: {
      uncovered: 'No AuthorizationPolicy in namespace "{{namespace}}" or the root namespace "{{root}}" applies to {{kind}} "{{name}}".',
    },
  },
  target: WORKLOAD_KINDS,
  reads: [K.AuthorizationPolicy, K.Namespace],
  check(resource, ctx) {
    // A repository without AuthorizationPolicies keeps them elsewhere (or has chosen not to use them).
    if (!holdsKind(ctx.index, K.AuthorizationPolicy)) return;
    const workload = workloadOf(resource);
    if (!workload || covered(ctx.index).has(resource)) return;
    // Policies do nothing for a workload that is clearly outside the mesh.
    if (!mayBeInMesh(ctx.index, workload)) return;
    ctx.report({
      resource,
      messageId: "uncovered",
      data: { namespace: workload.namespace, root: ctx.settings.rootNamespace, kind: resource.kind, name: resource.name },
      help: "Add an AuthorizationPolicy that selects it (or a namespace-wide one), so only the callers you allow reach it.",
    });
  },
});

/** Workloads some selector- or namespace-based AuthorizationPolicy applies to (root-namespace selectors mesh-wide). */
function covered(index: ResourceIndex): ReadonlySet<Resource> {
  return index.memo("istio/authorization-covered-workloads", [K.AuthorizationPolicy, ...WORKLOAD_KINDS], () => {
    const out = new Set<Resource>();
    for (const policy of index.all(K.AuthorizationPolicy)) {
      for (const w of policyWorkloads(index, policy) ?? []) out.add(w.resource);
    }
    return out;
  });
}
