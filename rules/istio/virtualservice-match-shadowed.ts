import { defineRule } from "../../src/engine/rule.js";
import { analyzeRouteOrder, ruleLabel } from "../../src/istio/match-coverage.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "virtualservice-match-shadowed",
    area: "istio",
    category: "suspicious",
    severity: "info",
    description: "A VirtualService match repeats, or is covered by, an earlier match, so it never takes traffic.",
    aliases: [{ tool: "istioctl", code: "IST0131", match: "same" }],
    messages: {
      repeated: "Match #{{match}} of {{section}} rule {{rule}} repeats match #{{byMatch}} of rule {{byRule}}, which takes its traffic first.",
      covered: "Match #{{match}} of {{section}} rule {{rule}} is covered by the broader match #{{byMatch}} of rule {{byRule}}, which takes its traffic first.",
    },
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    const { shadowed, unreachable } = analyzeRouteOrder(vs);
    for (const s of shadowed) {
      ctx.report({
        resource: vs,
        path: s.path,
        messageId: s.repeated ? "repeated" : "covered",
        data: { section: s.section, rule: ruleLabel(vs, s.section, s.rule), match: s.match, byRule: ruleLabel(vs, s.by.section, s.by.rule), byMatch: s.by.match },
        help: unreachable.some((u) => u.section === s.section && u.rule === s.rule)
          ? "The whole rule is unreachable (see virtualservice-route-unreachable)."
          : "Remove the match, or move it before the broader one.",
      });
    }
  },
});
