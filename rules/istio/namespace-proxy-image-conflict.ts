import { defineRule } from "../../src/engine/rule.js";
import { injectorConfigMapName } from "../../src/istio/injection.js";
import { injectorProxyImages, proxyImageType } from "../../src/istio/proxy-image.js";
import { K } from "../../src/model/kinds.js";
import { labelsOf } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";

export default defineRule({
  meta: {
    id: "namespace-proxy-image-conflict",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "Workloads in an injected namespace run an istio-proxy image other than the one the namespace's injector configures.",
    aliases: [{ tool: "istioctl", code: "IST0158", match: "same" }],
    messages: {
      conflict: 'Workloads in namespace "{{namespace}}" run proxy images other than the injector\'s "{{image}}": {{workloads}}.',
    },
  },
  target: [K.Namespace],
  reads: [K.ConfigMap, K.ProxyConfig, ...WORKLOAD_KINDS],
  check(ns, ctx) {
    const labels = labelsOf(ns);
    const revision = labels["istio.io/rev"];
    if (revision === undefined && labels["istio-injection"] !== "enabled") return;
    const expected = injectorProxyImages(ctx.index).get(injectorConfigMapName(revision));
    if (!expected) return;
    const stale = ctx.index.workloads().inNamespace(ns.name).flatMap((w) => {
      // A pod that names its own proxy image overrides the injector on purpose.
      if (w.annotations["sidecar.istio.io/proxyImage"]) return [];
      const variant = proxyImageType(ctx.index, w);
      const proxy = [...w.containers, ...w.initContainers].find((c) => c.name === "istio-proxy");
      const image = proxy?.image;
      if (!image || image === "auto" || image === expected || (variant && image === `${expected}-${variant}`)) return [];
      return [{ workload: w, image }];
    });
    if (stale.length === 0) return;
    ctx.report({
      resource: ns,
      messageId: "conflict",
      data: { namespace: ns.name, image: expected, workloads: stale.map((s) => `${s.workload.resource.kind} "${s.workload.resource.name}" (${s.image})`).join(", ") },
      related: stale.map((s) => ({ resource: s.workload.resource, message: `runs proxy image "${s.image}"` })),
      help: "Restart the pods (or re-run the injection of manually injected manifests) so they pick up the injector's current proxy image.",
    });
  },
});
