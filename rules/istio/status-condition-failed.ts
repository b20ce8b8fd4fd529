import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, asString } from "../../src/model/resource.js";

/** The condition types istioctl surfaces, by kind; each is reported when its status is "False". */
const WATCHED: Readonly<Record<string, readonly string[]>> = {
  Service: ["istio.io/WaypointBound"],
  ServiceEntry: ["istio.io/WaypointBound"],
  WorkloadEntry: ["istio.io/WaypointBound"],
  AuthorizationPolicy: ["ZtunnelAccepted", "WaypointAccepted"],
  HTTPRoute: ["Accepted", "ResolvedRefs"],
  GRPCRoute: ["Accepted", "ResolvedRefs"],
};

export default defineRule({
  meta: {
    id: "status-condition-failed",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A resource exported from a cluster carries a failing status condition written by Istio (waypoint binding, ztunnel or waypoint acceptance, Gateway API acceptance).",
    aliases: [{ tool: "istioctl", code: "IST0171", match: "same" }],
    messages: {
      failed: 'Status condition "{{type}}" is {{status}} ({{reason}}): {{message}}',
    },
  },
  // Gateway API Gateways: gateway-status-invalid, which carries IST0171 on the conditions istioctl surfaces.
  target: [K.Service, K.ServiceEntry, K.WorkloadEntry, K.AuthorizationPolicy, K.HTTPRoute, K.GRPCRoute],
  reads: [],
  check(resource, ctx) {
    const types = WATCHED[resource.kind] ?? [];
    for (const { condition, path } of conditions(resource)) {
      const type = asString(condition.type) ?? "";
      const status = asString(condition.status);
      const reason = asString(condition.reason) ?? "";
      // A waypoint accepting only part of a policy says so with reason PartiallyInvalid and status True.
      const partial = resource.kind === "AuthorizationPolicy" && reason === "PartiallyInvalid";
      if (!types.includes(type) || (status !== "False" && !partial)) continue;
      const message = (asString(condition.message) ?? "").replace(/\.?$/, ".");
      ctx.report({
        resource,
        path,
        messageId: "failed",
        data: { type, status: status ?? "", reason: reason || "no reason", message },
        help: "The controller rejected this configuration when it was applied; fix what the condition reports.",
      });
    }
  },
});

/** `status.conditions`, and for routes each `status.parents[].conditions`. */
function conditions(resource: Resource): { condition: Record<string, unknown>; path: FieldPath }[] {
  const status = asObject(resource.data.status);
  const own = asArray(status?.conditions).map((c, i) => ({ c, path: ["status", "conditions", i] as FieldPath }));
  const parents = asArray(status?.parents).flatMap((p, i) =>
    asArray(asObject(p)?.conditions).map((c, j) => ({ c, path: ["status", "parents", i, "conditions", j] as FieldPath })),
  );
  return [...own, ...parents].flatMap(({ c, path }) => {
    const condition = asObject(c);
    return condition ? [{ condition, path }] : [];
  });
}
