import { defineRule } from "../../src/engine/rule.js";
import { mayBeInMesh } from "../../src/istio/injection.js";
import { policyTarget, policyWorkloads, serviceTargetWorkloads } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asString, spec } from "../../src/model/resource.js";
import { WAYPOINT_CLASS } from "../../src/istio/evidence.js";
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
  reads: [K.AuthorizationPolicy, K.Namespace, K.Service, K.KubernetesGateway],
  check(resource, ctx) {
    // A repository without AuthorizationPolicies keeps them elsewhere (or has chosen not to use them).
    if (!holdsKind(ctx.index, K.AuthorizationPolicy)) return;
    const workload = workloadOf(resource);
    if (!workload || isCovered(ctx.index, resource)) return;
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

/**
 * Whether some AuthorizationPolicy applies to a workload: by selector or namespace (root-namespace selectors
 * mesh-wide), by targetRefs to a Service selecting it, or, for targetRefs to a waypoint, as one of the policy's
 * namespace's workloads (as Kiali counts any targetRefs policy). A table fed per policy, so that a change re-files
 * only the policies it touches.
 */
function isCovered(index: ResourceIndex, workload: Resource): boolean {
  return index
    .table("istio/authorization-covered-workloads", [K.AuthorizationPolicy, K.Service, K.KubernetesGateway, ...WORKLOAD_KINDS], (policy, index) => {
      if (policy.kind !== "AuthorizationPolicy" || policy.group !== K.AuthorizationPolicy.group) return [];
      const target = policyTarget(policy);
      const viaWaypoint = target.kind === "targetRefs" && target.refs.some((r) => r.kind === "GatewayClass" || (r.kind === "Gateway" && mayBeWaypoint(index, policy.namespace, r.name)));
      const workloads = viaWaypoint ? index.workloads().inNamespace(policy.namespace) : (policyWorkloads(index, policy) ?? serviceTargetWorkloads(index, policy));
      return workloads.map((w) => [w.resource.id, w.resource] as const);
    })
    .get(workload.id)
    .includes(workload);
}

/** A Gateway of the waypoint class, or one the repository does not hold (it may be a waypoint deployed elsewhere). */
function mayBeWaypoint(index: ResourceIndex, namespace: string, name: string): boolean {
  const gateway = index.get(K.KubernetesGateway, namespace, name);
  return !gateway || asString(spec(gateway).gatewayClassName) === WAYPOINT_CLASS;
}
