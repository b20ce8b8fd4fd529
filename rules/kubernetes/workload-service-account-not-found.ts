import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asObject, getPath, isLinted } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { workloadOf } from "../../src/model/workloads.js";

/** Namespaces whose accounts Kubernetes and its add-ons create themselves (kube-dns, kube-proxy, controllers). */
const SYSTEM_NAMESPACES = new Set(["kube-system", "kube-public", "kube-node-lease"]);

export default defineRule({
  meta: {
    id: "workload-service-account-not-found",
    area: "kubernetes",
    category: "correctness",
    severity: "warning",
    description: "A pod template runs as a ServiceAccount that the repository does not declare, while it declares that namespace's other ServiceAccounts.",
    messages: {
      notDeclared:
        'ServiceAccount "{{account}}" is not declared in namespace "{{namespace}}", where the repository declares {{declared}}: its pods are refused until the account exists.',
    },
  },
  target: WORKLOAD_KINDS,
  reads: [K.ServiceAccount],
  check(resource, ctx) {
    const workload = workloadOf(resource);
    if (!workload || !isLinted(resource) || SYSTEM_NAMESPACES.has(workload.namespace)) return;
    const account = workload.serviceAccount;
    // Every namespace has "default", which Kubernetes creates; an empty name means it too.
    if (account === "" || account === "default") return;
    const accounts = ctx.index.inNamespace(K.ServiceAccount, workload.namespace);
    if (accounts.some((sa) => sa.name === account)) return;
    // Judged only where the repository keeps the namespace's accounts: otherwise they are created elsewhere.
    const declared = accounts.filter(isLinted);
    if (declared.length === 0) return;
    const podSpec = asObject(getPath(resource.data, [...workload.templatePath, "spec"]));
    // `serviceAccount` is the deprecated spelling, read when `serviceAccountName` is absent.
    const field = podSpec?.serviceAccountName === undefined && podSpec?.serviceAccount !== undefined ? "serviceAccount" : "serviceAccountName";
    ctx.report({
      resource,
      path: [...workload.templatePath, "spec", field],
      messageId: "notDeclared",
      data: {
        account,
        namespace: workload.namespace,
        declared: declared.slice(0, 3).map((sa) => `"${sa.name}"`).join(", ") + (declared.length > 3 ? ` and ${declared.length - 3} more` : ""),
      },
      help: "Declare the ServiceAccount beside the others (or fix the name): the API server refuses pods whose service account does not exist.",
    });
  },
});

