import { defineRule } from "../../src/engine/rule.js";
import { retryTimeoutProblems } from "../../src/linkerd/route-annotations.js";
import { LINKERD_ROUTE_KINDS, linkerdGoverns, linkerdParentRefs, webhookSeverity } from "../../src/linkerd/routes.js";
import { annotationsOf } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-route-annotation-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A route with a Service or EgressNetwork parent carries a retry.linkerd.io or timeout.linkerd.io annotation that Linkerd cannot parse.",
    messages: {
      invalid: 'Annotation "{{key}}" value "{{value}}" does not parse: {{reason}}.',
    },
  },
  target: LINKERD_ROUTE_KINDS,
  reads: [],
  check(route, ctx) {
    if (!linkerdGoverns(ctx.index, route)) return;
    if (!linkerdParentRefs(route).some((p) => p.target === "service" || p.target === "egressnetwork")) return;
    const grpc = route.kind === "GRPCRoute";
    if (grpc || route.kind === "HTTPRoute") {
      for (const problem of retryTimeoutProblems(annotationsOf(route), grpc)) {
        ctx.report({
          resource: route,
          path: ["metadata", "annotations", problem.key],
          messageId: "invalid",
          data: { ...problem },
          severity: webhookSeverity(route),
          help: "Write the value in Linkerd's syntax (see the rule's documentation).",
        });
      }
    }
  },
});
