import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { linkerdParentRefs } from "../../src/linkerd/routes.js";
import { profilesByService } from "../../src/linkerd/service-profiles.js";

export default defineRule({
  meta: {
    id: "linkerd-serviceprofile-route-shadowed",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "An outbound HTTPRoute or GRPCRoute on a Service that also has a ServiceProfile, which takes precedence.",
    messages: {
      shadowed: 'Service "{{service}}" has ServiceProfile "{{profile}}", so Linkerd ignores this route while the profile exists.',
    },
  },
  target: [K.LinkerdHTTPRoute, K.HTTPRoute, K.GRPCRoute],
  reads: [K.ServiceProfile],
  check(route, ctx) {
    const profiles = profilesByService(ctx.index);
    if (profiles.size === 0) return;
    for (const parent of linkerdParentRefs(route)) {
      if (parent.target !== "service") continue;
      const found = profiles.get(`${parent.namespace}/${parent.name}`) ?? [];
      const sp = found.find((p) => p.namespace === parent.namespace) ?? found.find((p) => p.namespace === route.namespace);
      if (!sp) continue;
      ctx.report({
        resource: route,
        path: [...parent.path, "name"],
        messageId: "shadowed",
        data: { service: parent.name, profile: sp.name },
        help: "Move the profile's routes into HTTPRoutes and delete the ServiceProfile (profiles are frozen since Linkerd 2.16).",
        related: [{ resource: sp, path: ["metadata", "name"], message: `ServiceProfile "${sp.name}"` }],
      });
    }
  },
});
