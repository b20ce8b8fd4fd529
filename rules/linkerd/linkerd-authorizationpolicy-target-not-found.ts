import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { policyTargetRef, resolvePolicyTarget } from "../../src/linkerd/authorization.js";
import { serversJudged } from "../../src/linkerd/evidence.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { holdsKind } from "../../src/model/evidence.js";

export default defineRule({
  meta: {
    id: "linkerd-authorizationpolicy-target-not-found",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Linkerd AuthorizationPolicy's targetRef names a Server, HTTPRoute or GRPCRoute that does not exist in its namespace.",
    messages: {
      serverNotFound: 'Server "{{name}}" does not exist in namespace "{{namespace}}".',
      routeNotFound: '{{kind}} "{{name}}" does not exist in namespace "{{namespace}}".',
    },
  },
  target: [K.LinkerdAuthorizationPolicy],
  reads: [K.LinkerdServer, K.LinkerdHTTPRoute, K.HTTPRoute, K.GRPCRoute, K.Namespace, ...WORKLOAD_KINDS],
  check(resource, ctx) {
    const ref = policyTargetRef(resource);
    if (!ref) return;
    const { index } = ctx;
    const target = resolvePolicyTarget(index, ref);
    const data = { kind: ref.kind, name: ref.name, namespace: ref.namespace };
    const path = ["spec", "targetRef", "name"];
    if (target.kind === "Server" && !target.server && serversJudged(index, ref.namespace)) {
      ctx.report({ resource, path, messageId: "serverNotFound", data, help: "Name an existing Server; until it exists the policy authorizes nothing." });
    }
    if (target.kind === "route" && !target.route) {
      const judged = target.routeKinds.some((k) => holdsKind(index, k)) || serversJudged(index, ref.namespace);
      if (judged) ctx.report({ resource, path, messageId: "routeNotFound", data, help: "Name an existing route attached to a Server; until it exists the policy authorizes nothing." });
    }
  },
});
