import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { ANY_KIND } from "../../src/model/resource-index.js";
import { schemaReport } from "../../src/schema/check.js";

export default defineRule({
  meta: {
    id: "api-version-deprecated",
    area: "kubernetes",
    category: "deprecation",
    severity: "warning",
    description: "An apiVersion that is still served but deprecated; it will go away in a later release.",
    messages: { deprecated: '{{kind}} "{{apiVersion}}" is deprecated: {{warning}}.' },
  },
  target: [ANY_KIND],
  reads: [K.CustomResourceDefinition],
  check(resource, ctx) {
    const { lookup } = schemaReport(ctx.index, resource);
    if (lookup.status !== "ok" || !lookup.version.deprecated) return;
    const storage = lookup.crd.versions.find((v) => v.storage)?.name;
    const warning = (lookup.version.deprecationWarning ?? (storage ? `use ${lookup.crd.group}/${storage}` : "see the CRD")).replace(/\.$/, "");
    ctx.report({
      resource,
      path: ["apiVersion"],
      messageId: "deprecated",
      data: { kind: resource.kind, apiVersion: resource.apiVersion, warning },
      ...(storage ? { help: `Change apiVersion to ${lookup.crd.group}/${storage}; the fields are the same unless the deprecation note says otherwise.` } : {}),
    });
  },
});
