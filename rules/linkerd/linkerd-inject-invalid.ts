import { defineRule } from "../../src/engine/rule.js";
import { LINKERD_ANNOTATED_KINDS, linkerdMetadata } from "../../src/linkerd/annotations.js";
import { INJECT_ANNOTATION, OPEN_SOURCE_INJECT_VALUES, distributionsAccepting, extraInjectValues } from "../../src/linkerd/injection.js";

const DISTRIBUTION_NAMES = { "open-source": "open-source Linkerd", enterprise: "Buoyant Enterprise for Linkerd" } as const;

export default defineRule({
  meta: {
    id: "linkerd-inject-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A linkerd.io/inject annotation whose value Linkerd does not know (which disables injection), or inject set as a label.",
    messages: {
      value: 'Annotation "linkerd.io/inject" has value "{{value}}"; open-source Linkerd knows "enabled", "disabled" and "ingress" and treats anything else as disabled.',
      distributionValue:
        'Annotation "linkerd.io/inject" has value "{{value}}", which only {{distribution}} accepts; open-source Linkerd knows "enabled", "disabled" and "ingress" and treats anything else as disabled.',
      label: '"linkerd.io/inject" is set as a label; the proxy injector reads only the annotation.',
    },
  },
  target: LINKERD_ANNOTATED_KINDS.filter((k) => k.kind !== "Service" && k.kind !== "EgressNetwork"),
  reads: [],
  check(resource, ctx) {
    const accepted = [...OPEN_SOURCE_INJECT_VALUES, ...extraInjectValues(ctx.settings)];
    for (const meta of linkerdMetadata(resource)) {
      const value = meta.annotations[INJECT_ANNOTATION];
      if (value !== undefined && value !== "" && !accepted.includes(value)) {
        const path = [...meta.metaPath, "annotations", INJECT_ANNOTATION];
        const distribution = distributionsAccepting(value)[0];
        if (distribution) {
          ctx.report({
            resource,
            path,
            messageId: "distributionValue",
            data: { value, distribution: DISTRIBUTION_NAMES[distribution] },
            help: `If the cluster runs ${DISTRIBUTION_NAMES[distribution]}, say so in .meshlint.yaml (settings.linkerd.distribution: ${distribution}); otherwise use "enabled".`,
          });
        } else {
          ctx.report({
            resource,
            path,
            messageId: "value",
            data: { value },
            help: 'Use "enabled" to mesh the pods (or "ingress" for an ingress controller); if your Linkerd distribution accepts this value, list it in settings.linkerd.injectValues.',
          });
        }
      }
      if (meta.labels[INJECT_ANNOTATION] !== undefined) {
        ctx.report({
          resource,
          path: [...meta.metaPath, "labels", INJECT_ANNOTATION],
          part: "key",
          messageId: "label",
          severity: "warning",
          help: "Move the key from labels to annotations.",
        });
      }
    }
  },
});
