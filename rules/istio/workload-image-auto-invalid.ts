import { defineRule } from "../../src/engine/rule.js";
import { isRunningPod } from "../../src/istio/injection.js";
import { MUTATING_WEBHOOK_CONFIGURATION, willBeInjected } from "../../src/istio/webhooks.js";
import { K } from "../../src/model/kinds.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { workloadOf } from "../../src/model/workloads.js";

export default defineRule({
  meta: {
    id: "workload-image-auto-invalid",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: 'A workload has an istio-proxy container with image "auto" that no injection webhook will fill in; an error for a Pod.',
    aliases: [
      { tool: "istioctl", code: "IST0146", match: "same", messageIds: ["notInjected"] },
      { tool: "istioctl", code: "IST0147", match: "same", messageIds: ["podNotInjected", "podNeverInjected"] },
    ],
    messages: {
      notInjected: 'The istio-proxy container has image "auto", but no injection webhook matches the pods of {{kind}} "{{name}}", so they cannot start.',
      podNotInjected: 'The istio-proxy container has image "auto", but no injection webhook matches Pod "{{name}}", so it cannot start.',
      podNeverInjected: 'The istio-proxy container of Pod "{{name}}" still has image "auto": the Pod was never injected.',
    },
  },
  target: WORKLOAD_KINDS,
  reads: [K.Namespace, MUTATING_WEBHOOK_CONFIGURATION],
  check(resource, ctx) {
    const workload = workloadOf(resource);
    const index = workload?.containers.findIndex((c) => c.name === "istio-proxy" && c.image === "auto") ?? -1;
    if (!workload || index < 0) return;
    const isPod = resource.kind === "Pod" && resource.group === "";
    const running = isPod && isRunningPod(resource);
    if (!running && willBeInjected(ctx.index, workload) !== false) return;
    ctx.report({
      resource,
      path: [...workload.templatePath, "spec", "containers", index, "image"],
      messageId: running ? "podNeverInjected" : isPod ? "podNotInjected" : "notInjected",
      data: { kind: resource.kind, name: resource.name },
      ...(isPod ? { severity: "error" as const } : {}),
      help: 'Enable injection for it: label the namespace "istio-injection=enabled" (or "istio.io/rev=<revision>") or the pod template "sidecar.istio.io/inject=true".',
    });
  },
});
