import { defineRule } from "../../src/engine/rule.js";
import { destinationRuleOverlapsOf } from "../../src/istio/destination-rules.js";
import { K } from "../../src/model/kinds.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";

export default defineRule({
  meta: {
    id: "destinationrule-host-conflict",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "Two DestinationRules in one namespace configure the same host and clash on a subset or a traffic policy; Istio keeps only one.",
    aliases: [{ tool: "kiali", code: "KIA0201", match: "same" }],
    messages: {
      subsets: 'DestinationRule "{{other}}" also defines subset(s) {{subsets}} for host "{{host}}"; Istio merges the two and keeps only the first definition.',
      noSubsets: 'DestinationRule "{{other}}" also configures host "{{host}}", and one of the two defines no subsets; which settings apply to each subset depends on which one is first.',
      trafficPolicy: 'DestinationRule "{{other}}" also sets a traffic policy for host "{{host}}"; Istio merges the two and ignores the later policy.',
    },
  },
  target: [K.DestinationRule],
  reads: [K.Sidecar, ...HOST_KINDS],
  check(dr, ctx) {
    const seen = new Set<string>();
    for (const o of destinationRuleOverlapsOf(ctx.index, dr)) {
      const key = `${o.rule.id}|${o.other.id}`;
      if (seen.has(key)) continue;
      seen.add(key);
      ctx.report({
        resource: o.rule,
        path: ["spec", "host"],
        messageId: o.reason,
        data: { other: `${o.other.namespace}/${o.other.name}`, host: o.host, subsets: o.subsets.map((s) => `"${s}"`).join(", ") },
        help: "Keep one DestinationRule per host and namespace, with all its subsets and its traffic policy.",
        related: [{ resource: o.other, path: ["spec", "host"], message: `also configures "${o.host}"` }],
      });
    }
  },
});
