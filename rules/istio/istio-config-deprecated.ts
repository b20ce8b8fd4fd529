import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asNumber, asObject, asString, spec } from "../../src/model/resource.js";

/** The rbac.istio.io kinds Istio removed (replaced by AuthorizationPolicy in 1.4). */
const REMOVED_RBAC_KINDS = new Set(["ClusterRbacConfig", "RbacConfig", "ServiceRole", "ServiceRoleBinding"]);

export default defineRule({
  meta: {
    id: "istio-config-deprecated",
    area: "istio",
    category: "deprecation",
    severity: "warning",
    description: "Istio configuration uses a deprecated or ignored field, or defines a CRD of a removed rbac.istio.io kind.",
    aliases: [{ tool: "istioctl", code: "IST0002", match: "partial" }],
    messages: {
      faultDelayPercent: '"fault.delay.percent" is deprecated; use "fault.delay.percentage".',
      egressProxy: '"outboundTrafficPolicy.egressProxy" is ignored by Istio.',
      rbacCrdRemoved: 'Custom resource type "{{group}}/{{kind}}" was removed from Istio.',
    },
  },
  target: [K.VirtualService, K.Sidecar, K.CustomResourceDefinition],
  reads: [],
  check(resource, ctx) {
    const s = spec(resource);
    if (resource.kind === "VirtualService") {
      asArray(s.http).forEach((route, i) => {
        const delay = asObject(asObject(asObject(route)?.fault)?.delay);
        if ((asNumber(delay?.percent) ?? 0) <= 0) return;
        ctx.report({
          resource,
          path: ["spec", "http", i, "fault", "delay", "percent"],
          messageId: "faultDelayPercent",
          help: 'Write "percentage: {value: N}" instead of "percent: N".',
        });
      });
    } else if (resource.kind === "Sidecar") {
      if (asObject(asObject(s.outboundTrafficPolicy)?.egressProxy) === undefined) return;
      ctx.report({
        resource,
        path: ["spec", "outboundTrafficPolicy", "egressProxy"],
        messageId: "egressProxy",
        help: "Remove egressProxy; route external traffic through an egress gateway with a VirtualService instead.",
      });
    } else {
      const group = asString(s.group);
      const kind = asString(asObject(s.names)?.kind);
      if (group !== "rbac.istio.io" || !kind || !REMOVED_RBAC_KINDS.has(kind)) return;
      ctx.report({
        resource,
        path: ["spec", "names", "kind"],
        messageId: "rbacCrdRemoved",
        data: { group, kind },
        help: "Delete the CRD and its objects; use security.istio.io AuthorizationPolicy.",
      });
    }
  },
});
