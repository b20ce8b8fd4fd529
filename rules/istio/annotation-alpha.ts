import { defineRule } from "../../src/engine/rule.js";
import { ANNOTATED_KINDS, istioAnnotations } from "../../src/istio/annotations.js";

/** Written into Pods by Istio's CNI plugin or injector when no `istio-init` container runs (not by users). */
const SET_BY_CNI = new Set([
  "sidecar.istio.io/interceptionMode",
  "traffic.sidecar.istio.io/includeInboundPorts",
  "traffic.sidecar.istio.io/excludeInboundPorts",
  "traffic.sidecar.istio.io/includeOutboundIPRanges",
]);

export default defineRule({
  meta: {
    id: "annotation-alpha",
    area: "istio",
    category: "style",
    severity: "info",
    description: "An Istio annotation of an alpha feature, which may change or go away between releases.",
    aliases: [{ tool: "istioctl", code: "IST0136", match: "same" }],
    messages: {
      alpha: 'Annotation "{{key}}" belongs to an alpha feature of Istio.',
    },
  },
  target: ANNOTATED_KINDS,
  reads: [],
  check(resource, ctx) {
    for (const a of istioAnnotations(resource)) {
      const def = a.definition;
      if (def?.status !== "alpha" || def.setByIstio) continue;
      if (a.kind === "Pod" && !a.inTemplate && !a.istioInit && SET_BY_CNI.has(a.key)) continue;
      ctx.report({
        resource,
        path: a.path,
        part: "key",
        messageId: "alpha",
        data: { key: a.key },
        help: "Check the release notes when upgrading Istio; alpha features carry no compatibility promise.",
      });
    }
  },
});
