import { defineRule } from "../../src/engine/rule.js";
import { mayBeInMesh } from "../../src/istio/injection.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { generatedGatewayMatch, workloadName } from "../../src/istio/selection.js";
import { holdsWorkloads } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { describeSelector } from "../../src/model/selectors.js";

export default defineRule({
  meta: {
    id: "authorizationpolicy-workload-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An AuthorizationPolicy's selector, or its namespace, has no workload in the mesh, so it enforces nothing.",
    aliases: [
      { tool: "istioctl", code: "IST0127", match: "same" },
      { tool: "kiali", code: "KIA0004", match: "partial", messageIds: ["noWorkload"] },
    ],
    messages: {
      noWorkload: 'The selector "{{selector}}" matches no workload in namespace "{{namespace}}".',
      noWorkloadInMesh: 'The selector "{{selector}}" matches no workload in the mesh.',
      outsideMesh: 'The selector "{{selector}}" matches only workloads outside the mesh, such as {{workload}}.',
      emptyNamespace: 'Namespace "{{namespace}}" has no workload in the mesh for this policy to apply to.',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [K.Namespace, K.KubernetesGateway, ...WORKLOAD_KINDS],
  check(policy, ctx) {
    if (!holdsWorkloads(ctx.index)) return;
    const { index } = ctx;
    const target = policyTarget(policy);
    const root = policy.namespace === ctx.settings.rootNamespace;
    if (target.kind === "targetRefs") return;
    const help = "Fix the selector to match the pod template labels of a workload with a sidecar or in ambient mode.";
    if (target.kind === "namespace") {
      if (root || index.workloads().inNamespace(policy.namespace).some((w) => mayBeInMesh(index, w))) return;
      ctx.report({ resource: policy, messageId: "emptyNamespace", data: { namespace: policy.namespace }, help });
      return;
    }
    // In the root namespace a selector applies across the mesh (Istio's analyzer looks at every namespace there).
    const selected = root ? index.workloads().selectAnywhere(target.selector) : index.workloads().select(target.selector, policy.namespace);
    const selector = describeSelector(target.selector);
    if (selected.length === 0) {
      // Pods Istio generates for a Gateway API Gateway are in the mesh, though no file holds them.
      if (generatedGatewayMatch(index, target.selector, root ? undefined : policy.namespace)) return;
      const messageId = root ? "noWorkloadInMesh" : "noWorkload";
      ctx.report({ resource: policy, path: target.path, messageId, data: { selector, namespace: policy.namespace }, help });
      return;
    }
    const first = selected[0];
    if (!first || selected.some((w) => mayBeInMesh(index, w))) return;
    ctx.report({
      resource: policy,
      path: target.path,
      messageId: "outsideMesh",
      data: { selector, workload: workloadName(first) },
      help: "Enable sidecar injection or ambient mode for the workload, or remove the policy.",
      related: [{ resource: first.resource, path: first.templatePath, message: "selected, but not in the mesh" }],
    });
  },
});
