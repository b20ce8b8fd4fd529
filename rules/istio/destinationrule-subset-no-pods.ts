import { defineRule } from "../../src/engine/rule.js";
import { backendLabels, routedSubset } from "../../src/istio/destination-rules.js";
import { withoutTopologyLabels } from "../../src/istio/topology.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asObject, asString, asStringMap, spec } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { HOST_KINDS, resolveHost } from "../../src/istio/hosts.js";
import { describeSelector, matches, selectorFromLabels } from "../../src/model/selectors.js";

export default defineRule({
  meta: {
    id: "destinationrule-subset-no-pods",
    area: "istio",
    category: "correctness",
    severity: "info",
    description:
      "A DestinationRule subset's labels select none of the workloads behind its host; a warning when a route sends traffic to it.",
    aliases: [
      { tool: "istioctl", code: "IST0173", match: "partial" },
      { tool: "kiali", code: "KIA0203", match: "same" },
    ],
    messages: {
      noPods: 'Subset "{{subset}}" ({{labels}}) selects none of the {{count}} workload(s) behind host "{{host}}".',
      noPodsRouted:
        'Subset "{{subset}}" ({{labels}}) selects none of the {{count}} workload(s) behind host "{{host}}", yet VirtualService "{{route}}" sends traffic to it.',
    },
  },
  target: [K.DestinationRule],
  reads: [K.VirtualService, ...HOST_KINDS, ...WORKLOAD_KINDS],
  check(dr, ctx) {
    const written = asString(spec(dr).host);
    if (!written || written.includes("*")) return;
    const found = resolveHost(ctx.index, written, dr.namespace);
    if (!found.entries.some((e) => e.host === found.host)) return;
    const host = found.host;
    const backends = found.entries.flatMap((e) => backendLabels(ctx.index, e));
    // Workloads kept in another repository are not evidence of a mistake: judge only hosts whose pods are here.
    if (backends.length === 0) return;
    asArray(spec(dr).subsets).forEach((s, i) => {
      const subset = asObject(s);
      const name = asString(subset?.name);
      const labels = asStringMap(subset?.labels);
      if (!name || !labels) return;
      // Istio adds locality labels to endpoints only with a value: a subset asking for an empty one selects nothing.
      const templateLabels = withoutTopologyLabels(labels);
      const impossible = Object.entries(labels).some(([k, v]) => v === "" && !(k in templateLabels));
      if (Object.keys(templateLabels).length === 0 && !impossible) return;
      const selector = selectorFromLabels(templateLabels);
      if (!impossible && backends.some((b) => matches(selector, b))) return;
      const route = routedSubset(ctx.index, host, name);
      ctx.report({
        resource: dr,
        path: ["spec", "subsets", i, "labels"],
        messageId: route ? "noPodsRouted" : "noPods",
        data: { subset: name, labels: describeSelector(selectorFromLabels(labels)), count: backends.length, host: written, ...(route ? { route: `${route.namespace}/${route.name}` } : {}) },
        ...(route ? { severity: "warning" as const, related: [{ resource: route, message: "routes to this subset" }] } : {}),
        help: "Fix the subset labels to match the pod template labels of the host's workloads.",
      });
    });
  },
});
