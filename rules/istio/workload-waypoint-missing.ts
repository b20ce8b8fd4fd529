import { defineRule } from "../../src/engine/rule.js";
import { isL7AuthorizationPolicy, isWaypointWorkload } from "../../src/istio/ambient.js";
import { workloadInAmbient } from "../../src/istio/injection.js";
import { isGatewayWorkload } from "../../src/istio/mtls.js";
import { policyAppliesTo, policyTarget, serviceTargetWorkloads } from "../../src/istio/policy-targets.js";
import { workloadHasWaypoint } from "../../src/istio/waypoints.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { type Workload, workloadOf } from "../../src/model/workloads.js";

/**
 * Whether an AuthorizationPolicy of the workload's namespace applies to it: by selector or to the whole namespace
 * (policyAppliesTo), or by targetRefs to a Service selecting it (what its waypoint would enforce).
 */
const applies = (index: ResourceIndex, policy: Resource, w: Workload): boolean =>
  policyTarget(policy).kind === "targetRefs" ? serviceTargetWorkloads(index, policy).includes(w) : policyAppliesTo(index, policy, w);

export default defineRule({
  meta: {
    id: "workload-waypoint-missing",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An ambient workload is subject to an AuthorizationPolicy with HTTP rules but has no waypoint to enforce them.",
    aliases: [{ tool: "kiali", code: "KIA1317", match: "same" }],
    messages: {
      noWaypoint: '{{workload}} runs in ambient mode without a waypoint, so nothing enforces the HTTP rules of AuthorizationPolicy "{{policy}}" for it.',
    },
  },
  target: WORKLOAD_KINDS,
  reads: [K.AuthorizationPolicy, K.Namespace, K.Service, K.KubernetesGateway],
  check(resource, ctx) {
    const w = workloadOf(resource);
    // Gateway pods (ingress, egress, Gateway API, a bare istio-proxy) enforce policies themselves.
    if (!w || isWaypointWorkload(w) || isGatewayWorkload(w) || !workloadInAmbient(ctx.index, w)) return;
    const policy = ctx.index.inNamespace(K.AuthorizationPolicy, w.namespace).find((p) => isL7AuthorizationPolicy(p) && applies(ctx.index, p, w));
    if (!policy || workloadHasWaypoint(ctx.index, w)) return;
    ctx.report({
      resource,
      path: [...w.templatePath, "metadata", "labels"],
      messageId: "noWaypoint",
      data: { workload: `${resource.kind} "${resource.namespace}/${resource.name}"`, policy: `${policy.namespace}/${policy.name}` },
      help: 'Enroll the workload, its Service or its namespace with a waypoint ("istio.io/use-waypoint") and deploy that waypoint.',
      related: [{ resource: policy, path: ["spec", "rules"], message: "AuthorizationPolicy with HTTP rules" }],
    });
  },
});
