import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { isOutboundRoute, policyTargetRef, resolvePolicyTarget } from "../../src/linkerd/authorization.js";

export default defineRule({
  meta: {
    id: "linkerd-authorizationpolicy-outbound-route",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Linkerd AuthorizationPolicy targets a route whose parents are Services (an outbound route): inbound authorization applies only to routes attached to a Server.",
    messages: {
      outbound: '{{kind}} "{{name}}" is attached to Services only, not to a Server, so this policy authorizes nothing.',
    },
  },
  target: [K.LinkerdAuthorizationPolicy],
  reads: [K.LinkerdServer, K.LinkerdHTTPRoute, K.HTTPRoute, K.GRPCRoute, K.Namespace],
  check(resource, ctx) {
    const ref = policyTargetRef(resource);
    if (!ref) return;
    const target = resolvePolicyTarget(ctx.index, ref);
    if (target.kind !== "route" || !target.route || !isOutboundRoute(target.route)) return;
    ctx.report({
      resource,
      path: ["spec", "targetRef"],
      messageId: "outbound",
      data: { kind: target.route.kind, name: target.route.name },
      help: "Target a route whose parentRef is a Server (kind Server, group policy.linkerd.io), or the Server itself.",
      related: [{ resource: target.route, path: ["spec", "parentRefs"], message: "parents are Services" }],
    });
  },
});
