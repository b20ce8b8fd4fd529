import { defineRule } from "../../src/engine/rule.js";
import { ANNOTATED_KINDS, isMisplaced, istioAnnotations } from "../../src/istio/annotations.js";

export default defineRule({
  meta: {
    id: "annotation-misplaced",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An Istio annotation on a kind of resource it does not apply to, where Istio never reads it.",
    aliases: [{ tool: "istioctl", code: "IST0107", match: "same" }],
    messages: {
      misplaced: 'Annotation "{{key}}" applies to {{targets}}, not to a {{kind}}.',
      podOnWorkload: 'Annotation "{{key}}" applies to Pods, but is on the {{kind}} itself rather than on its pod template.',
    },
  },
  target: ANNOTATED_KINDS,
  reads: [],
  check(resource, ctx) {
    for (const a of istioAnnotations(resource)) {
      if (!a.definition || !isMisplaced(a)) continue;
      const podOnWorkload = a.definition.targets.includes("Pod") && !a.inTemplate && hasPodTemplate(resource.kind);
      ctx.report({
        resource,
        path: a.path,
        part: "key",
        messageId: podOnWorkload ? "podOnWorkload" : "misplaced",
        data: { key: a.key, kind: a.kind, targets: a.definition.targets.join(", ") },
        help: podOnWorkload
          ? "Move it to spec.template.metadata.annotations, where the pods the workload creates get it."
          : "Move it to the kind of resource it applies to, or remove it.",
      });
    }
  },
});

/** Among the annotated kinds, all but Namespace, Service and Pod are workloads with a pod template. */
const hasPodTemplate = (kind: string): boolean => kind !== "Namespace" && kind !== "Service" && kind !== "Pod";
