import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { LINKERD_POLICY_GROUP, linkerdParentRefs } from "../../src/linkerd/routes.js";

export default defineRule({
  meta: {
    id: "linkerd-route-parent-group-missing",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: 'A policy.linkerd.io HTTPRoute names a parent of kind Service without group "core", so the CRD default group makes it attach to nothing.',
    messages: {
      groupMissing: 'parentRef to Service "{{name}}" has no group, so the CRD default "policy.linkerd.io" applies, which has no Service kind: the route attaches to nothing.',
      groupWrong: 'parentRef to Service "{{name}}" has group "{{group}}", which has no Service kind: the route attaches to nothing.',
    },
  },
  target: [K.LinkerdHTTPRoute],
  reads: [],
  check(route, ctx) {
    for (const ref of linkerdParentRefs(route)) {
      if (ref.kind !== "Service" || ref.group === "") continue;
      const missing = !ref.groupWritten;
      if (!missing && ref.group !== LINKERD_POLICY_GROUP) continue;
      ctx.report({
        resource: route,
        path: missing ? [...ref.path, "kind"] : [...ref.path, "group"],
        messageId: missing ? "groupMissing" : "groupWrong",
        data: { name: ref.name, group: ref.group },
        help: 'Set group: core (Linkerd\'s spelling) or group: "" on a Service parent.',
      });
    }
  },
});
