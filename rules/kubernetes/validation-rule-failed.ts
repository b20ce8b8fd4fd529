import { defineRule } from "../../src/engine/rule.js";
import { isIstioGroup } from "../../src/istio/groups.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, isLinted } from "../../src/model/resource.js";
import { ANY_KIND } from "../../src/model/resource-index.js";
import { formatPath } from "../../src/engine/diagnostic.js";
import { schemaReport } from "../../src/schema/check.js";

export default defineRule({
  meta: {
    id: "validation-rule-failed",
    area: "kubernetes",
    category: "correctness",
    severity: "error",
    description: "A resource breaks one of its CRD's CEL validation rules (x-kubernetes-validations), which the apiserver enforces.",
    aliases: [{ tool: "istioctl", code: "IST0106", match: "partial", messageIds: ["failedIstio"] }],
    messages: {
      failed: "{{detail}}",
      failedIstio: "{{detail}}",
      ruleNotRun: 'CEL rule "{{rule}}" of {{crd}} at {{at}} was not run: {{reason}}; objects are not checked against it.',
    },
  },
  target: [ANY_KIND],
  reads: [K.CustomResourceDefinition],
  check(resource, ctx) {
    const report = schemaReport(ctx.index, resource);
    const sourceOf = (r: Resource, lookup: typeof report.lookup) =>
      lookup.status === "ok" ? `${r.kind} ${r.apiVersion} (${lookup.crd.source})` : r.kind;
    for (const skipped of report.skipped) {
      // Reported once: on the first checked object (in index order) the CRD rule was skipped on. Which one that is
      // depends on every object, so it is asked only when a rule was skipped (rare), and answered the same whether
      // the whole index is linted or only a change.
      const source = sourceOf(resource, report.lookup);
      const key = `${source}\u0000${skipped.rule}`;
      const first = ctx.index.all(ANY_KIND).find((r) => {
        if (r.kind !== resource.kind || r.group !== resource.group || !isLinted(r)) return false;
        const other = schemaReport(ctx.index, r);
        return other.skipped.some((s) => `${sourceOf(r, other.lookup)}\u0000${s.rule}` === key);
      });
      if (first !== resource) continue;
      ctx.report({
        resource,
        path: skipped.path,
        messageId: "ruleNotRun",
        data: { rule: skipped.rule.length > 120 ? `${skipped.rule.slice(0, 117)}...` : skipped.rule, crd: source, at: formatPath(skipped.path) || "the object", reason: skipped.detail },
        severity: "warning",
        help: "Reported once per rule; fix the CRD's rule, or report it as a meshlint bug if the apiserver accepts the CRD.",
      });
    }
    for (const problem of report.problems) {
      if (problem.kind !== "cel") continue;
      ctx.report({
        resource,
        path: problem.path,
        messageId: isIstioGroup(resource.group) ? "failedIstio" : "failed",
        data: { detail: problem.detail },
      });
    }
  },
});
