import { defineRule } from "../../src/engine/rule.js";
import { isRunningPod } from "../../src/istio/injection.js";
import { K } from "../../src/model/kinds.js";
import { annotationsOf, labelsOf, spec } from "../../src/model/resource.js";
import { workloadOf } from "../../src/model/workloads.js";

export default defineRule({
  meta: {
    id: "pod-sidecar-missing",
    area: "istio",
    category: "suspicious",
    severity: "info",
    description: "A Pod in a namespace with sidecar injection enabled has no istio-proxy container; a warning for a Pod exported from a cluster.",
    aliases: [{ tool: "istioctl", code: "IST0103", match: "same" }],
    messages: {
      missing: 'Pod "{{pod}}" has no istio-proxy container although namespace "{{namespace}}" enables sidecar injection.',
    },
  },
  target: [K.Pod],
  reads: [K.Namespace],
  check(pod, ctx) {
    const ns = ctx.index.namespaces().declared(pod.namespace);
    if (!ns || labelsOf(ns)["istio-injection"] !== "enabled" || labelsOf(ns)["istio.io/dataplane-mode"] === "ambient") return;
    const inject = labelsOf(pod)["sidecar.istio.io/inject"] ?? annotationsOf(pod)["sidecar.istio.io/inject"];
    if (inject?.toLowerCase() === "false" || spec(pod).hostNetwork === true) return;
    const workload = workloadOf(pod);
    if (!workload || [...workload.containers, ...workload.initContainers].some((c) => c.name === "istio-proxy")) return;
    ctx.report({
      resource: pod,
      messageId: "missing",
      data: { pod: pod.name, namespace: pod.namespace },
      ...(isRunningPod(pod) ? { severity: "warning" as const } : {}),
      related: [{ resource: ns, path: ["metadata", "labels", "istio-injection"], message: "enables injection" }],
      help: "Restart the pod so the injector adds the sidecar (it was created before injection was enabled, or while the injector was down), or opt it out with sidecar.istio.io/inject=false.",
    });
  },
});
