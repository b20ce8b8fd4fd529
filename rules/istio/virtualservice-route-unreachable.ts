import { defineRule } from "../../src/engine/rule.js";
import { analyzeRouteOrder, ruleLabel } from "../../src/istio/match-coverage.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-route-unreachable",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A VirtualService route rule can never be used: an earlier rule without match, or with equal or broader matches, takes all its traffic.",
    aliases: [{ tool: "istioctl", code: "IST0130", match: "same", messageIds: ["afterCatchAll", "repeated"] }],
    messages: {
      afterCatchAll: "{{section}} rule {{rule}} is never used: rule {{by}} before it has no match and takes all traffic.",
      repeated: "{{section}} rule {{rule}} is never used: each of its matches repeats a match of an earlier rule.",
      covered: "{{section}} rule {{rule}} is never used: each of its matches is covered by a broader match of an earlier rule, first of rule {{by}}.",
    },
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    for (const u of analyzeRouteOrder(vs).unreachable) {
      ctx.report({
        resource: vs,
        path: u.path,
        messageId: u.reason,
        data: { section: u.section, rule: ruleLabel(vs, u.section, u.rule), by: ruleLabel(vs, u.section, u.by) },
        help:
          u.reason === "afterCatchAll"
            ? "Only the last rule may have no match: move the catch-all rule to the end, or give it a match."
            : "Order rules from the most specific match to the most general one, or remove this rule.",
      });
    }
  },
});
