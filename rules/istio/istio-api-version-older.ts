import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { schemaReport } from "../../src/schema/check.js";

/** The Istio kinds that have, or may come to have, a v1 version. */
const ISTIO_KINDS = [
  K.VirtualService,
  K.DestinationRule,
  K.Gateway,
  K.ServiceEntry,
  K.Sidecar,
  K.WorkloadEntry,
  K.WorkloadGroup,
  K.EnvoyFilter,
  K.ProxyConfig,
  K.AuthorizationPolicy,
  K.PeerAuthentication,
  K.RequestAuthentication,
  K.Telemetry,
  K.WasmPlugin,
];

export default defineRule({
  meta: {
    id: "istio-api-version-older",
    area: "istio",
    category: "style",
    severity: "info",
    optIn: true,
    description: "An Istio object written in an older API version (v1alpha3, v1beta1) where its CRD serves v1 (off unless turned on).",
    messages: { older: '{{kind}} uses "{{apiVersion}}"; its CRD also serves "{{latest}}".' },
  },
  target: ISTIO_KINDS,
  reads: [K.CustomResourceDefinition],
  check(resource, ctx) {
    if (resource.version === "v1") return;
    const { lookup } = schemaReport(ctx.index, resource);
    // A version the CRD does not serve, or marks deprecated, is api-version-not-served's or api-version-deprecated's.
    if (lookup.status !== "ok" || lookup.version.deprecated) return;
    if (!lookup.crd.versions.some((v) => v.name === "v1" && v.served)) return;
    const latest = `${lookup.crd.group}/v1`;
    ctx.report({
      resource,
      path: ["apiVersion"],
      messageId: "older",
      data: { kind: resource.kind, apiVersion: resource.apiVersion, latest },
      help: `Istio serves every version with the same fields and has no plan to remove the older ones; "${latest}" is the stable name to write new files in.`,
    });
  },
});
