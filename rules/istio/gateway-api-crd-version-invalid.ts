import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { annotationsOf } from "../../src/model/resource.js";

const BUNDLE_VERSION = "gateway.networking.k8s.io/bundle-version";

/** The oldest Gateway API bundle each CRD must come from for Istio (1.30) to watch it. */
const MINIMUM: Readonly<Record<string, readonly [number, number, number]>> = {
  "grpcroutes.gateway.networking.k8s.io": [1, 1, 0],
  "backendtlspolicies.gateway.networking.k8s.io": [1, 4, 0],
  "tlsroutes.gateway.networking.k8s.io": [1, 5, 0],
};

export default defineRule({
  meta: {
    id: "gateway-api-crd-version-invalid",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Gateway API CRD comes from a bundle older than Istio requires, so Istio ignores the resources of that kind.",
    aliases: [{ tool: "istioctl", code: "IST0176", match: "same" }],
    messages: {
      tooOld: 'CRD "{{name}}" is from Gateway API {{version}}; Istio needs v{{minimum}} or later and ignores its resources until then.',
    },
  },
  target: [K.CustomResourceDefinition],
  reads: [],
  check(crd, ctx) {
    const minimum = MINIMUM[crd.name];
    const written = annotationsOf(crd)[BUNDLE_VERSION];
    if (!minimum || written === undefined) return;
    const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(written.trim());
    if (!m) return;
    const version = [Number(m[1]), Number(m[2]), Number(m[3])];
    const older = version.findIndex((v, i) => v !== minimum[i]);
    if (older < 0 || (version[older] ?? 0) > (minimum[older] ?? 0)) return;
    ctx.report({
      resource: crd,
      path: ["metadata", "annotations", BUNDLE_VERSION],
      messageId: "tooOld",
      data: { name: crd.name, version: written, minimum: minimum.join(".") },
      help: "Install the Gateway API CRDs of a bundle Istio supports.",
    });
  },
});
