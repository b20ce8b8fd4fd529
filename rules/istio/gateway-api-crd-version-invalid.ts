import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { annotationsOf, asArray, asObject, asString, spec } from "../../src/model/resource.js";

const BUNDLE_VERSION = "gateway.networking.k8s.io/bundle-version";
const GROUP = "gateway.networking.k8s.io";

/** The oldest Gateway API bundle each CRD must come from for Istio (1.30) to watch it. */
const MINIMUM: Readonly<Record<string, readonly [number, number, number]>> = {
  "grpcroutes.gateway.networking.k8s.io": [1, 1, 0],
  "backendtlspolicies.gateway.networking.k8s.io": [1, 4, 0],
  "tlsroutes.gateway.networking.k8s.io": [1, 5, 0],
};

/**
 * The API versions `istioctl x precheck` requires a Gateway API CRD to serve: v1beta1 for the kinds Istio reads in
 * that version (else IST0156), v1 for the kinds it will read only in v1 (else IST0172).
 */
const REQUIRED: readonly { readonly version: string; readonly kinds: ReadonlySet<string>; readonly messageId: "versionUnsupported" | "versionSoonUnsupported" }[] = [
  { version: "v1beta1", kinds: new Set(["Gateway", "GatewayClass", "HTTPRoute", "ReferenceGrant"]), messageId: "versionUnsupported" },
  { version: "v1", kinds: new Set(["Gateway", "GatewayClass", "HTTPRoute", "GRPCRoute"]), messageId: "versionSoonUnsupported" },
];

function bundleTooOld(written: string, minimum: readonly [number, number, number]): boolean {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(written.trim());
  if (!m) return false;
  const version = [Number(m[1]), Number(m[2]), Number(m[3])];
  const older = version.findIndex((v, i) => v !== minimum[i]);
  return older >= 0 && (version[older] ?? 0) < (minimum[older] ?? 0);
}

export default defineRule({
  meta: {
    id: "gateway-api-crd-version-invalid",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Gateway API CRD comes from a bundle older than Istio requires, or does not serve the API version Istio reads, so Istio ignores its resources.",
    aliases: [
      { tool: "istioctl", code: "IST0176", match: "same", messageIds: ["tooOld"] },
      { tool: "istioctl", code: "IST0156", match: "same", messageIds: ["versionUnsupported"] },
      { tool: "istioctl", code: "IST0172", match: "same", messageIds: ["versionSoonUnsupported"] },
    ],
    messages: {
      tooOld: 'CRD "{{name}}" is from Gateway API {{version}}; Istio needs v{{minimum}} or later and ignores its resources until then.',
      versionUnsupported: 'CRD "{{name}}" serves {{served}}{{bundle}}, not {{required}}, which Istio needs to read {{kind}} resources.',
      versionSoonUnsupported: 'CRD "{{name}}" serves {{served}}{{bundle}}, not {{required}}; Istio is moving to {{required}} {{kind}} and will not read older versions.',
    },
  },
  target: [K.CustomResourceDefinition],
  reads: [],
  check(crd, ctx) {
    const s = spec(crd);
    if (asString(s.group) !== GROUP) return;
    const written = annotationsOf(crd)[BUNDLE_VERSION];
    const minimum = MINIMUM[crd.name];
    if (minimum && written !== undefined && bundleTooOld(written, minimum)) {
      ctx.report({
        resource: crd,
        path: ["metadata", "annotations", BUNDLE_VERSION],
        messageId: "tooOld",
        data: { name: crd.name, version: written, minimum: minimum.join(".") },
        help: "Install the Gateway API CRDs of a bundle Istio supports.",
      });
    }
    const kind = asString(asObject(s.names)?.kind);
    if (!kind) return;
    // apiextensions.k8s.io/v1beta1 CRDs could name their one version in `spec.version` instead of `spec.versions`.
    const single = asString(s.version);
    const served = s.versions === undefined && single ? [single] : asArray(s.versions).flatMap((v) => {
      const o = asObject(v);
      const name = asString(o?.name);
      return name && o?.served === true ? [name] : [];
    });
    for (const { version, kinds, messageId } of REQUIRED) {
      if (!kinds.has(kind) || served.includes(version)) continue;
      ctx.report({
        resource: crd,
        path: ["spec", s.versions === undefined && single ? "version" : "versions"],
        messageId,
        data: {
          name: crd.name,
          kind,
          required: version,
          served: served.length ? served.sort().map((v) => `"${v}"`).join(", ") : "no version",
          bundle: written !== undefined ? ` (Gateway API ${written})` : "",
        },
        help: "Install the Gateway API CRDs of a current bundle (v1.1 or later serves v1 and v1beta1).",
        ...(messageId === "versionUnsupported" ? { severity: "error" as const } : {}),
      });
    }
  },
});
