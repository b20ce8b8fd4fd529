import { defineRule } from "../../src/engine/rule.js";
import { isIstioGroup } from "../../src/istio/groups.js";
import { K } from "../../src/model/kinds.js";
import { ANY_KIND } from "../../src/model/resource-index.js";
import { formatPath } from "../../src/engine/diagnostic.js";
import { inExperimentalChannel, schemaRegistry, schemaReport } from "../../src/schema/check.js";

export default defineRule({
  meta: {
    id: "schema-invalid",
    area: "kubernetes",
    category: "correctness",
    severity: "error",
    description: "A resource does not match its CRD's schema (unknown field, wrong type, missing field, bad pattern, duplicate list key).",
    aliases: [{ tool: "istioctl", code: "IST0106", match: "partial", messageIds: ["invalidIstio"] }],
    messages: {
      invalid: "{{detail}}",
      invalidIstio: "{{detail}}",
      newerRelease: "{{detail}} Only a newer release than the pinned CRDs ({{pinned}}) accepts this ({{newer}}).",
      crdUnusable: "This CRD's schema cannot be compiled ({{reason}}); its kind is validated as if the CRD were not in the repository.",
      experimentalField:
        'Field "{{field}}" in {{parent}} exists only in the experimental channel of Gateway API; the cluster runs the standard channel (--gateway-api-channel).',
    },
  },
  target: [ANY_KIND],
  reads: [K.CustomResourceDefinition],
  check(resource, ctx) {
    const rejected = resource.kind === "CustomResourceDefinition" ? schemaRegistry(ctx.index).rejected.get(resource) : undefined;
    if (rejected !== undefined) {
      ctx.report({
        resource,
        path: ["spec", "versions"],
        part: "key",
        messageId: "crdUnusable",
        data: { reason: rejected },
        help: "The apiserver refuses to install a CRD whose schema is invalid; fix the schema (types are object, array, string, number, integer, boolean).",
      });
    }
    const report = schemaReport(ctx.index, resource);
    for (const problem of report.problems) {
      if (problem.kind !== "schema") continue;
      if (problem.unknownField && inExperimentalChannel(ctx.index, resource, problem.unknownField)) {
        ctx.report({
          resource,
          path: problem.path,
          part: "key",
          messageId: "experimentalField",
          data: { field: String(problem.unknownField.at(-1)), parent: formatPath(problem.unknownField.slice(0, -1)) || "the object" },
          help: "Run meshlint with --gateway-api-channel experimental if the cluster has the experimental CRDs, or remove the field.",
        });
        continue;
      }
      if (problem.acceptedBy && report.lookup.status === "ok") {
        ctx.report({
          resource,
          path: problem.path,
          ...(problem.part ? { part: problem.part } : {}),
          messageId: "newerRelease",
          data: { detail: problem.detail, pinned: report.lookup.crd.source, newer: problem.acceptedBy },
          severity: "warning",
          help: "Lint with the CRDs your cluster runs (--crds) to know for sure.",
        });
        continue;
      }
      ctx.report({
        resource,
        path: problem.path,
        ...(problem.part ? { part: problem.part } : {}),
        messageId: isIstioGroup(resource.group) ? "invalidIstio" : "invalid",
        data: { detail: problem.detail },
      });
    }
  },
});
