import { defineRule } from "../../src/engine/rule.js";
import { LINKERD_ANNOTATED_KINDS, linkerdMetadata } from "../../src/linkerd/annotations.js";
import { INJECT_ANNOTATION } from "../../src/linkerd/injection.js";

const VALUES = ["enabled", "disabled", "ingress"];

export default defineRule({
  meta: {
    id: "linkerd-inject-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A linkerd.io/inject annotation whose value Linkerd does not know (which disables injection), or inject set as a label.",
    messages: {
      value: 'Annotation "linkerd.io/inject" has value "{{value}}"; Linkerd knows "enabled", "disabled" and "ingress" and treats anything else as disabled.',
      label: '"linkerd.io/inject" is set as a label; the proxy injector reads only the annotation.',
    },
  },
  target: LINKERD_ANNOTATED_KINDS.filter((k) => k.kind !== "Service" && k.kind !== "EgressNetwork"),
  reads: [],
  check(resource, ctx) {
    for (const meta of linkerdMetadata(resource)) {
      const value = meta.annotations[INJECT_ANNOTATION];
      if (value !== undefined && value !== "" && !VALUES.includes(value)) {
        ctx.report({
          resource,
          path: [...meta.metaPath, "annotations", INJECT_ANNOTATION],
          messageId: "value",
          data: { value },
          help: 'Use "enabled" to mesh the pods (or "ingress" for an ingress controller).',
        });
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
