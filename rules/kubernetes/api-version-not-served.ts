import { defineRule } from "../../src/engine/rule.js";
import { isUnmodelledSmiKind } from "../../src/smi/kinds.js";
import { K } from "../../src/model/kinds.js";
import { ANY_KIND } from "../../src/model/resource-index.js";
import { schemaReport } from "../../src/schema/check.js";
import type { CrdDefinition } from "../../src/schema/crd.js";
import { removedApi, retiredGroup } from "../../src/schema/removed-apis.js";

const served = (crd: CrdDefinition) =>
  crd.versions
    .filter((v) => v.served)
    .map((v) => `${crd.group}/${v.name}`)
    .join(", ") || "none";

export default defineRule({
  meta: {
    id: "api-version-not-served",
    area: "kubernetes",
    category: "correctness",
    severity: "error",
    description: "A kind or apiVersion that the cluster's CRDs do not serve (kubectl answers \"no matches for kind\").",
    messages: {
      versionNotServed: '{{kind}} "{{apiVersion}}" is not served by {{source}}; served: {{served}}.',
      versionExperimentalOnly:
        '{{kind}} "{{apiVersion}}" is served only by the experimental channel of Gateway API; the cluster runs the standard channel, which serves {{served}}.',
      kindNotServed: 'Kind "{{kind}}" is not served in API group "{{group}}" by {{source}}.',
      kindExperimentalOnly: 'Kind "{{kind}}" exists only in the experimental channel of Gateway API, and the cluster runs the standard channel.',
      versionFromLinkerdBundle:
        '{{kind}} "{{apiVersion}}" is not served by {{source}}, only by the Gateway API v1.1.1 CRDs that Linkerd can install; make sure the cluster runs those.',
      removedApi: 'Kubernetes removed {{kind}} "{{apiVersion}}" in {{removedIn}}; use {{replacement}}.',
      retiredGroup: '{{project}} retired the API group "{{group}}" in {{retiredIn}}, so no cluster serves {{kind}} "{{apiVersion}}"; use {{replacement}}.',
    },
  },
  target: [ANY_KIND],
  reads: [K.CustomResourceDefinition],
  check(resource, ctx) {
    const { lookup } = schemaReport(ctx.index, resource);
    if (lookup.status === "ok" && lookup.servedBy === "linkerd-bundle") {
      ctx.report({
        resource,
        path: ["apiVersion"],
        messageId: "versionFromLinkerdBundle",
        data: { kind: resource.kind, apiVersion: resource.apiVersion, source: lookup.active?.source ?? "upstream Gateway API" },
        severity: "warning",
        help: "Set settings.gatewayApiBundle in .meshlint.yaml to linkerd or upstream to say which CRDs the cluster runs.",
      });
      return;
    }
    const removed = lookup.status === "unknown-group" ? removedApi(resource.apiVersion, resource.kind) : undefined;
    if (removed) {
      ctx.report({
        resource,
        path: ["apiVersion"],
        messageId: "removedApi",
        data: { kind: resource.kind, apiVersion: resource.apiVersion, ...removed },
      });
      return;
    }
    const retired = lookup.status === "unknown-group" ? retiredGroup(resource.group) : undefined;
    if (retired) {
      ctx.report({
        resource,
        path: ["apiVersion"],
        messageId: "retiredGroup",
        data: { kind: resource.kind, apiVersion: resource.apiVersion, group: resource.group, ...retired },
        help: "If the cluster really still serves this group, lint with its CRDs (--crds).",
      });
      return;
    }
    const channelHelp = "Run meshlint with --gateway-api-channel experimental if the cluster has the experimental CRDs.";
    if (lookup.status === "not-served") {
      const experimental = lookup.experimental?.versions.some((v) => v.name === resource.version && v.served);
      ctx.report({
        resource,
        path: ["apiVersion"],
        messageId: experimental ? "versionExperimentalOnly" : "versionNotServed",
        data: { kind: resource.kind, apiVersion: resource.apiVersion, source: lookup.crd.source, served: served(lookup.crd) },
        help: experimental ? channelHelp : "Change apiVersion to a served version, or lint with the CRDs the cluster runs (--crds).",
      });
    } else if (lookup.status === "unknown-kind" && !isUnmodelledSmiKind(lookup.group, resource.kind)) {
      ctx.report({
        resource,
        path: ["kind"],
        messageId: lookup.experimental ? "kindExperimentalOnly" : "kindNotServed",
        data: { kind: resource.kind, group: lookup.group, source: lookup.source },
        help: lookup.experimental ? channelHelp : "Check the kind's spelling, or lint with the CRDs the cluster runs (--crds).",
      });
    }
  },
});
