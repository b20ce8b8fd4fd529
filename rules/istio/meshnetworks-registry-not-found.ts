import { defineRule } from "../../src/engine/rule.js";
import { meshNetworksResource, registryReferences } from "../../src/istio/mesh-networks.js";
import { K } from "../../src/model/kinds.js";
import { asObject, labelsOf } from "../../src/model/resource.js";
import { holdsKind } from "../../src/model/evidence.js";

/** The service registries built into istiod (case-sensitive). */
const BUILT_IN = ["Kubernetes", "External", "Mock"];

export default defineRule({
  meta: {
    id: "meshnetworks-registry-not-found",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A network of the mesh networks configuration takes endpoints from a registry that is neither built in nor a remote cluster.",
    aliases: [{ tool: "istioctl", code: "IST0126", match: "same" }],
    messages: {
      unknown: 'Network "{{network}}" takes endpoints from registry "{{registry}}", which is neither built in (Kubernetes, External, Mock) nor a remote cluster with a secret.',
      wrongCase: 'Network "{{network}}" takes endpoints from registry "{{registry}}"; registry names are case-sensitive: "{{builtIn}}".',
    },
  },
  reads: [K.Secret],
  checkAll(ctx) {
    const resource = meshNetworksResource(ctx.settings);
    if (!resource) return;
    // Remote clusters are the keys of the secrets labelled istio/multiCluster=true.
    const secrets = ctx.index.all(K.Secret).filter((s) => labelsOf(s)["istio/multiCluster"] === "true");
    const known = new Set([...BUILT_IN, ...secrets.flatMap((s) => [...Object.keys(asObject(s.data.data) ?? {}), ...Object.keys(asObject(s.data.stringData) ?? {})])]);
    // Without any Secret in the repository, remote clusters are unknown: only misspelled built-in names are judged.
    const judgeAll = holdsKind(ctx.index, K.Secret);
    for (const ref of registryReferences(resource.data)) {
      if (known.has(ref.registry)) continue;
      const builtIn = BUILT_IN.find((b) => b.toLowerCase() === ref.registry.toLowerCase());
      if (!builtIn && !judgeAll) continue;
      ctx.report({
        resource,
        path: ref.path,
        messageId: builtIn ? "wrongCase" : "unknown",
        data: { network: ref.network, registry: ref.registry, builtIn: builtIn ?? "" },
        help: "Name a built-in registry, or the cluster ID of a remote cluster whose secret (istioctl create-remote-secret) is installed.",
      });
    }
  },
});
