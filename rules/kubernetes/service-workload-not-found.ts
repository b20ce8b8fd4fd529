import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { isLinted } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { selectorFromLabels } from "../../src/model/selectors.js";
import { serviceView } from "../../src/model/services.js";
import type { Workload } from "../../src/model/workloads.js";

/**
 * Labels that controllers put on pods, not on the pod templates a repository holds: a Service selecting one of them
 * (one Service per StatefulSet pod, Argo Rollouts' hash) is matched at run time.
 */
const RUNTIME_LABELS = new Set([
  "statefulset.kubernetes.io/pod-name",
  "apps.kubernetes.io/pod-index",
  "pod-template-hash",
  "controller-revision-hash",
  "rollouts-pod-template-hash",
  "job-name",
  "batch.kubernetes.io/job-name",
  "controller-uid",
  "batch.kubernetes.io/controller-uid",
  "batch.kubernetes.io/job-completion-index",
  "security.istio.io/tlsMode",
  "service.istio.io/canonical-name",
  "service.istio.io/canonical-revision",
]);

/** How a workload's labels differ from a selector, when they differ in exactly one label and share another. */
function nearMiss(selector: Readonly<Record<string, string>>, w: Workload): string | undefined {
  const entries = Object.entries(selector);
  const differing = entries.filter(([k, v]) => w.labels[k] !== v);
  if (differing.length !== 1 || entries.length < 2) return undefined;
  const [key, wanted] = differing[0] as [string, string];
  const has = w.labels[key];
  return has === undefined ? `it has no "${key}" label` : `its "${key}" is "${has}", not "${wanted}"`;
}

export default defineRule({
  meta: {
    id: "service-workload-not-found",
    area: "kubernetes",
    category: "correctness",
    severity: "warning",
    description: "A Service's selector matches no pod template of its namespace, although the repository holds the application's workloads there.",
    messages: {
      noWorkload: 'The selector {{selector}} matches no pod template in namespace "{{namespace}}"; {{kind}} "{{workload}}" comes closest: {{difference}}.',
    },
  },
  target: [K.Service],
  reads: WORKLOAD_KINDS,
  check(svc, ctx) {
    if (!isLinted(svc)) return;
    const service = serviceView(ctx.index, svc);
    if (service.type === "ExternalName") return;
    const selector = Object.fromEntries(Object.entries(service.selector).filter(([k]) => !RUNTIME_LABELS.has(k)));
    if (Object.keys(selector).length === 0) return;
    const workloads = ctx.index.workloads();
    if (workloads.select(selectorFromLabels(selector), service.namespace).length > 0) return;
    // Judged only with evidence that the repository holds this application's pods: a workload of the namespace named
    // like the Service, or one whose labels miss the selector by a single label. Without it, the pods may come from
    // an operator (a Prometheus or Kafka resource), a chart, or another repository.
    const own = workloads.inNamespace(service.namespace).filter((w) => isLinted(w.resource));
    let closest: { workload: Workload; difference: string } | undefined;
    for (const w of own) {
      const difference = nearMiss(selector, w);
      if (difference) {
        closest = { workload: w, difference };
        break;
      }
      if (w.resource.name === service.name && !closest) {
        const missing = Object.entries(selector).filter(([k, v]) => w.labels[k] !== v).map(([k, v]) => `${k}=${v}`);
        closest = { workload: w, difference: `its pod labels lack ${missing.join(", ")}` };
      }
    }
    if (!closest) return;
    const { workload, difference } = closest;
    ctx.report({
      resource: svc,
      path: ["spec", "selector"],
      messageId: "noWorkload",
      data: {
        selector: Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(","),
        namespace: service.namespace,
        kind: workload.resource.kind,
        workload: workload.resource.name,
        difference,
      },
      related: [{ resource: workload.resource, path: [...workload.templatePath, "metadata", "labels"], message: "the pod labels closest to the selector" }],
      help: "Make the selector and the pod template's labels agree; until then the Service has no endpoints and every request to it fails.",
    });
  },
});
