import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { IDEMPOTENT_METHODS, isGrpcPath } from "../../src/linkerd/service-profiles.js";
import { asArray, asNumber, asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-serviceprofile-retry-budget-ineffective",
    area: "linkerd",
    category: "suspicious",
    severity: "warning",
    description: "A ServiceProfile retry budget or retryable route that Linkerd accepts but that does not do what it seems to.",
    messages: {
      ratioAboveOne: "retryRatio {{value}} allows more retries than requests, which can multiply load on a failing service.",
      budgetZero: "minRetriesPerSecond and retryRatio are both 0, so routes marked isRetryable are never retried.",
      nonIdempotent: 'Route "{{route}}" retries {{method}} requests, which are not idempotent.',
    },
  },
  target: [K.ServiceProfile],
  reads: [],
  check(sp, ctx) {
    const routes = asArray(spec(sp).routes).map((r) => asObject(r) ?? {});
    const budget = asObject(spec(sp).retryBudget);
    const ratio = asNumber(budget?.retryRatio);
    if (ratio !== undefined && ratio > 1) {
      ctx.report({ resource: sp, path: ["spec", "retryBudget", "retryRatio"], messageId: "ratioAboveOne", data: { value: ratio }, help: "A ratio such as 0.2 adds at most 20% extra requests." });
    }
    const retryable = routes.some((r) => r.isRetryable === true);
    if (budget && retryable && ratio === 0 && asNumber(budget.minRetriesPerSecond) === 0) {
      ctx.report({ resource: sp, path: ["spec", "retryBudget"], messageId: "budgetZero", help: "Raise retryRatio or minRetriesPerSecond, or drop isRetryable." });
    }
    routes.forEach((r, i) => {
      if (r.isRetryable !== true) return;
      const cond = asObject(r.condition);
      const method = asString(cond?.method)?.toUpperCase();
      if (!method || IDEMPOTENT_METHODS.has(method) || isGrpcPath(asString(cond?.pathRegex))) return;
      ctx.report({
        resource: sp,
        path: ["spec", "routes", i, "isRetryable"],
        messageId: "nonIdempotent",
        data: { route: asString(r.name) ?? String(i), method },
        help: "Retrying a request that changes state can apply the change twice; retry only idempotent routes.",
      });
    });
  },
});
