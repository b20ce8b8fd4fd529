import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { refGroup } from "../../src/linkerd/policy-validation.js";
import { type FieldPath, asArray, asNumber, asObject, asString, spec } from "../../src/model/resource.js";
import { holdsKind } from "../../src/model/evidence.js";

export default defineRule({
  meta: {
    id: "linkerd-ratelimitpolicy-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "An HTTPLocalRateLimitPolicy targets something other than a Server, sets a non-positive rate or one above the total, or an override for non-ServiceAccounts.",
    messages: {
      targetNotServer: 'targetRef kind "{{kind}}" is not a Server; rate limits apply to Servers only.',
      serverNotFound: 'Server "{{name}}" does not exist in namespace "{{namespace}}".',
      rateNotPositive: "{{field}}.requestsPerSecond is {{value}}; it must be greater than 0.",
      rateAboveTotal: "{{field}}.requestsPerSecond ({{value}}) is greater than total.requestsPerSecond ({{total}}).",
      clientRefKindInvalid: 'overrides clientRefs kind "{{kind}}" is not ServiceAccount.',
    },
  },
  target: [K.HTTPLocalRateLimitPolicy],
  reads: [K.LinkerdServer],
  check(policy, ctx) {
    const s = spec(policy);
    const target = asObject(s.targetRef);
    const kind = asString(target?.kind);
    const name = asString(target?.name);
    if (kind !== undefined && (kind !== "Server" || (asString(target?.group) !== undefined && refGroup(target?.group) !== "policy.linkerd.io"))) {
      ctx.report({ resource: policy, path: ["spec", "targetRef", "kind"], messageId: "targetNotServer", data: { kind }, help: "Target the Server of the port to limit." });
    } else if (name && holdsKind(ctx.index, K.LinkerdServer) && !ctx.index.get(K.LinkerdServer, policy.namespace, name)) {
      ctx.report({ resource: policy, path: ["spec", "targetRef", "name"], messageId: "serverNotFound", data: { name, namespace: policy.namespace }, severity: "warning", help: "Fix the Server name." });
    }
    const total = asNumber(asObject(s.total)?.requestsPerSecond);
    const rate = (field: string, at: FieldPath, value: number | undefined): void => {
      if (value === undefined) return;
      if (value <= 0) ctx.report({ resource: policy, path: at, messageId: "rateNotPositive", data: { field, value }, help: "Use a positive rate, or remove the limit." });
      else if (total !== undefined && total > 0 && field !== "total" && value > total) {
        ctx.report({ resource: policy, path: at, messageId: "rateAboveTotal", data: { field, value, total }, help: "Keep per-identity and override rates within the total rate." });
      }
    };
    rate("total", ["spec", "total", "requestsPerSecond"], total);
    rate("identity", ["spec", "identity", "requestsPerSecond"], asNumber(asObject(s.identity)?.requestsPerSecond));
    asArray(s.overrides).forEach((o, i) => {
      const override = asObject(o);
      rate(`overrides[${i}]`, ["spec", "overrides", i, "requestsPerSecond"], asNumber(override?.requestsPerSecond));
      asArray(override?.clientRefs).forEach((c, j) => {
        const refKind = asString(asObject(c)?.kind);
        if (refKind === undefined || refKind === "ServiceAccount") return;
        ctx.report({ resource: policy, path: ["spec", "overrides", i, "clientRefs", j, "kind"], messageId: "clientRefKindInvalid", data: { kind: refKind }, help: "List ServiceAccounts as clients." });
      });
    });
  },
});
