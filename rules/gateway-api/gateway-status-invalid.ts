import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { type FieldPath, asArray, asObject, asString } from "../../src/model/resource.js";

/** Conditions that report a problem when False, and those that do when True. */
const BAD_WHEN_FALSE = new Set(["Accepted", "Programmed", "Ready", "Scheduled", "ResolvedRefs"]);
const BAD_WHEN_TRUE = new Set(["Conflicted", "Detached"]);
/** Reasons that mean "not done yet" or point at a listener's own condition, not at a problem. */
const TRANSITIONAL = new Set(["Pending", "ListenersNotValid"]);
const ISTIOCTL_TYPES = new Set(["Accepted", "Programmed", "ResolvedRefs"]);

export default defineRule({
  meta: {
    id: "gateway-status-invalid",
    area: "gateway-api",
    category: "correctness",
    severity: "warning",
    description: "A Gateway's manifest carries a status condition in which its controller reports a problem.",
    aliases: [
      { tool: "kiali", code: "GWAPI", match: "same" },
      // istioctl's condition analyzer surfaces only these Gateway-level conditions.
      { tool: "istioctl", code: "IST0171", match: "partial", messageIds: ["gatewayCondition"] },
    ],
    messages: {
      gatewayCondition: 'Gateway reports condition {{type}} "{{status}}" with reason "{{reason}}": "{{message}}".',
      condition: '{{subject}} reports condition {{type}} "{{status}}" with reason "{{reason}}": "{{message}}".',
    },
  },
  target: [K.KubernetesGateway],
  reads: [],
  check(gateway, ctx) {
    const status = asObject(gateway.data.status);
    const check = (conditions: unknown, path: FieldPath, subject: string) =>
      asArray(conditions).forEach((c, i) => {
        const o = asObject(c);
        const type = asString(o?.type) ?? "";
        const value = asString(o?.status) ?? "";
        const reason = asString(o?.reason) ?? "";
        const bad = (BAD_WHEN_FALSE.has(type) && value === "False") || (BAD_WHEN_TRUE.has(type) && value === "True");
        if (!bad || TRANSITIONAL.has(reason)) return;
        const istioctlSurfaces = subject === "Gateway" && value === "False" && ISTIOCTL_TYPES.has(type);
        ctx.report({
          resource: gateway,
          path: [...path, i, "reason"],
          messageId: istioctlSurfaces ? "gatewayCondition" : "condition",
          data: { subject, type, status: value, reason: reason || "no reason", message: asString(o?.message) || "no message" },
          help: "Fix what the controller reports, then export the manifest again (or leave status out of the repository).",
        });
      });
    check(status?.conditions, ["status", "conditions"], "Gateway");
    asArray(status?.listeners).forEach((l, i) =>
      check(asObject(l)?.conditions, ["status", "listeners", i, "conditions"], `Listener "${asString(asObject(l)?.name) ?? i}"`),
    );
  },
});
