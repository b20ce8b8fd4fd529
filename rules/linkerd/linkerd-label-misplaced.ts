import { defineRule } from "../../src/engine/rule.js";
import { LINKERD_ANNOTATED_KINDS, MIRROR_EXPORTED, isConfigKey, linkerdMetadata } from "../../src/linkerd/annotations.js";
import { INJECT_ANNOTATION } from "../../src/linkerd/injection.js";
import { K, sameKind } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "linkerd-label-misplaced",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A Linkerd configuration key written as a label, or mirror.linkerd.io/exported written as an annotation (linkerd check's data-plane checks).",
    messages: {
      configLabel: '"{{key}}" is set as a label; Linkerd reads it only as an annotation.',
      exportedAnnotation: '"mirror.linkerd.io/exported" is set as an annotation; the multicluster extension reads it only as a label.',
    },
  },
  target: LINKERD_ANNOTATED_KINDS,
  reads: [],
  check(resource, ctx) {
    for (const meta of linkerdMetadata(resource)) {
      for (const key of Object.keys(meta.labels)) {
        // linkerd-inject-invalid reports linkerd.io/inject as a label.
        if (!isConfigKey(key) || key === INJECT_ANNOTATION) continue;
        ctx.report({ resource, path: [...meta.metaPath, "labels", key], part: "key", messageId: "configLabel", data: { key }, help: "Move the key from labels to annotations." });
      }
      if (sameKind(resource, K.Service) && meta.annotations[MIRROR_EXPORTED] !== undefined && meta.labels[MIRROR_EXPORTED] === undefined) {
        ctx.report({ resource, path: [...meta.metaPath, "annotations", MIRROR_EXPORTED], part: "key", messageId: "exportedAnnotation", help: "Move the key from annotations to labels so the Service is mirrored." });
      }
    }
  },
});
