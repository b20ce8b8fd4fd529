import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { labelsOf } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "namespace-injection-conflict",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Namespace carries more than one data plane label (istio-injection, istio.io/rev, istio.io/dataplane-mode).",
    aliases: [{ tool: "istioctl", code: "IST0123", match: "same" }],
    messages: {
      conflict: 'Namespace "{{namespace}}" has competing data plane labels: {{labels}}.',
    },
  },
  target: [K.Namespace],
  reads: [],
  check(ns, ctx) {
    if (ns.name === "istio-system" || ns.name === ctx.settings.rootNamespace) return;
    const labels = labelsOf(ns);
    const injection = labels["istio-injection"];
    const found = injection !== undefined ? [`istio-injection=${injection}`] : [];
    // `istio-injection=disabled` next to another label is a deliberate opt-out, not a conflict.
    if (injection === undefined || injection === "enabled") {
      for (const key of ["istio.io/rev", "istio.io/dataplane-mode"]) {
        if (labels[key] !== undefined) found.push(`${key}=${labels[key]}`);
      }
    }
    if (found.length < 2) return;
    ctx.report({
      resource: ns,
      path: ["metadata", "labels"],
      messageId: "conflict",
      data: { namespace: ns.name, labels: found.join(", ") },
      help: "Keep one: istio-injection=enabled (default revision), istio.io/rev=<revision>, or istio.io/dataplane-mode=ambient.",
    });
  },
});
