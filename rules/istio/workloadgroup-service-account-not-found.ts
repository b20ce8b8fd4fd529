import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asObject, asString, spec } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "workloadgroup-service-account-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A WorkloadGroup's template.serviceAccount is neither declared nor used by any workload in its namespace.",
    aliases: [{ tool: "kiali", code: "KIA1701", match: "same" }],
    messages: {
      notFound: 'Service account "{{account}}" is neither a ServiceAccount nor used by a workload in namespace "{{namespace}}".',
    },
  },
  target: [K.WorkloadGroup],
  reads: [K.ServiceAccount, ...WORKLOAD_KINDS],
  check(wg, ctx) {
    const account = asString(asObject(spec(wg).template)?.serviceAccount);
    if (!account) return;
    const declared = ctx.index.inNamespace(K.ServiceAccount, wg.namespace);
    const workloads = ctx.index.workloads().inNamespace(wg.namespace);
    // A namespace whose accounts and workloads the repository does not hold is not judged.
    if (declared.length === 0 && workloads.length === 0) return;
    if (declared.some((sa) => sa.name === account) || workloads.some((w) => w.serviceAccount === account)) return;
    ctx.report({
      resource: wg,
      path: ["spec", "template", "serviceAccount"],
      messageId: "notFound",
      data: { account, namespace: wg.namespace },
      help: "Create the ServiceAccount in the WorkloadGroup's namespace, or fix the name.",
    });
  },
});
