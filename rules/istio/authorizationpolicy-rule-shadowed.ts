import { defineRule } from "../../src/engine/rule.js";
import { type AuthzPolicy, parsePolicy, ruleCovers, scopeCovers } from "../../src/istio/authz.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "authorizationpolicy-rule-shadowed",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "An ALLOW rule that a DENY rule fully covers can never allow anything; a DENY policy that another covers is redundant.",
    messages: {
      allowShadowed: 'Every request this ALLOW rule matches is denied first by rule {{rule}} of DENY policy "{{policy}}".',
      denyRedundant: 'Every request this DENY policy matches is already denied by DENY policy "{{policy}}".',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [],
  check(resource, ctx) {
    const self = parsePolicy(resource);
    if (self.dryRun || !self.rules?.length) return;
    const root = ctx.index.settings.rootNamespace;
    const namespaces = resource.namespace === root ? [root] : [resource.namespace, root];
    const denies: AuthzPolicy[] = namespaces
      .flatMap((ns) => ctx.index.inNamespace(K.AuthorizationPolicy, ns))
      .map(parsePolicy)
      // Another definition of the same object is a duplicate (its own finding), not a second policy.
      .filter((p) => p.action === "DENY" && !p.dryRun && p.resource.id !== resource.id && scopeCovers(ctx.index, p.resource, resource));
    if (self.action === "ALLOW") {
      for (const rule of self.rules) {
        for (const deny of denies) {
          const by = (deny.rules ?? []).find((d) => ruleCovers(d, rule));
          if (!by) continue;
          ctx.report({
            resource,
            path: rule.path,
            messageId: "allowShadowed",
            data: { rule: by.index, policy: `${deny.resource.namespace}/${deny.resource.name}` },
            help: "Narrow the DENY rule, or remove this ALLOW rule.",
            related: [{ resource: deny.resource, path: by.path, message: "denies these requests first" }],
          });
          break;
        }
      }
    } else if (self.action === "DENY") {
      const all = ctx.index.all(K.AuthorizationPolicy);
      const order = (p: AuthzPolicy) => all.indexOf(p.resource);
      const covering = denies.find((other) => {
        const covers = (a: AuthzPolicy, b: AuthzPolicy) => (b.rules ?? []).every((r) => (a.rules ?? []).some((o) => ruleCovers(o, r)));
        if (!covers(other, self)) return false;
        // Two that cover each other: the later one is the redundant one.
        return !(covers(self, other) && scopeCovers(ctx.index, resource, other.resource)) || order(other) < order(self);
      });
      if (!covering) return;
      ctx.report({
        resource,
        path: ["spec", "rules"],
        messageId: "denyRedundant",
        data: { policy: `${covering.resource.namespace}/${covering.resource.name}` },
        severity: "info",
        help: "Remove this policy, or merge what differs into the other one.",
        related: [{ resource: covering.resource, path: ["spec", "rules"], message: "denies at least the same requests" }],
      });
    }
  },
});
