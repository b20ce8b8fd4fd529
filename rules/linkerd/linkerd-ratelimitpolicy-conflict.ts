import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-ratelimitpolicy-conflict",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "Several HTTPLocalRateLimitPolicies target the same Server; Linkerd accepts only the oldest one.",
    messages: {
      conflict: 'Server "{{server}}" is also targeted by HTTPLocalRateLimitPolicy {{others}}; Linkerd accepts only the oldest policy (then by name) and ignores the others.',
    },
  },
  reads: [K.HTTPLocalRateLimitPolicy],
  checkAll(ctx) {
    const byServer = new Map<string, Resource[]>();
    for (const policy of ctx.index.all(K.HTTPLocalRateLimitPolicy)) {
      const target = asObject(spec(policy).targetRef);
      const name = asString(target?.name);
      if (!name || asString(target?.kind) !== "Server") continue;
      const key = `${policy.namespace}/${name}`;
      const list = byServer.get(key) ?? [];
      if (!list.some((p) => p.id === policy.id)) list.push(policy);
      byServer.set(key, list);
    }
    for (const [server, policies] of byServer) {
      if (policies.length < 2) continue;
      for (const policy of policies) {
        const others = policies.filter((p) => p !== policy);
        ctx.report({
          resource: policy,
          path: ["spec", "targetRef", "name"],
          messageId: "conflict",
          data: { server, others: others.map((p) => `"${p.name}"`).join(", ") },
          help: "Merge the limits into one policy per Server.",
          related: others.map((p) => ({ resource: p, path: ["spec", "targetRef", "name"], message: "targets the same Server" })),
        });
      }
    }
  },
});
