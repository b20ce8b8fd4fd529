import { defineRule } from "../../src/engine/rule.js";
import type { HostEntry } from "../../src/model/hosts.js";
import { routeDestinations } from "../../src/model/istio/routes.js";
import { withoutTopologyLabels } from "../../src/model/istio/topology.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asArray, asObject, asString, asStringMap, spec } from "../../src/model/resource.js";
import { HOST_KINDS, type ResourceIndex, WORKLOAD_KINDS } from "../../src/model/resource-index.js";
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
    const found = ctx.index.hosts().lookup(written, dr.namespace);
    if (!found.entries.some((e) => e.host === found.host)) return;
    const { host } = found;
    const backends = found.entries.flatMap((e) => backendLabels(ctx.index, e));
    // Workloads kept in another repository are not evidence of a mistake: judge only hosts whose pods are here.
    if (backends.length === 0) return;
    const routed = routedSubsets(ctx.index);
    asArray(spec(dr).subsets).forEach((s, i) => {
      const subset = asObject(s);
      const name = asString(subset?.name);
      const labels = asStringMap(subset?.labels);
      if (!name || !labels) return;
      const templateLabels = withoutTopologyLabels(labels);
      if (Object.keys(templateLabels).length === 0) return;
      const selector = selectorFromLabels(templateLabels);
      if (backends.some((b) => matches(selector, b))) return;
      const route = routed.get(`${host}|${name}`);
      ctx.report({
        resource: dr,
        path: ["spec", "subsets", i, "labels"],
        messageId: route ? "noPodsRouted" : "noPods",
        data: { subset: name, labels: describeSelector(selector), count: backends.length, host: written, ...(route ? { route: `${route.namespace}/${route.name}` } : {}) },
        ...(route ? { severity: "warning" as const, related: [{ resource: route, message: "routes to this subset" }] } : {}),
        help: "Fix the subset labels to match the pod template labels of the host's workloads.",
      });
    });
  },
});

/** Labels of what serves a host: pod templates a Service selects, or a ServiceEntry's workloads and endpoints. */
function backendLabels(index: ResourceIndex, entry: HostEntry): Readonly<Record<string, string>>[] {
  const r = entry.resource;
  if (r.kind === "Service") {
    const selector = asStringMap(spec(r).selector);
    if (!selector || Object.keys(selector).length === 0) return [];
    return index.workloads().select(selectorFromLabels(selector), r.namespace).map((w) => w.labels);
  }
  const workloadSelector = asStringMap(asObject(spec(r).workloadSelector)?.labels);
  if (workloadSelector && Object.keys(workloadSelector).length) {
    return index.workloads().select(selectorFromLabels(workloadSelector), r.namespace).map((w) => w.labels);
  }
  return asArray(spec(r).endpoints).flatMap((e) => {
    const labels = asStringMap(asObject(e)?.labels);
    return labels ? [labels] : [];
  });
}

/** `host|subset` → a VirtualService routing there, over all VirtualServices (built once). */
function routedSubsets(index: ResourceIndex): Map<string, Resource> {
  return index.memo("istio/routed-subsets", [K.VirtualService, ...HOST_KINDS], () => {
    const hosts = index.hosts();
    const out = new Map<string, Resource>();
    for (const vs of index.all(K.VirtualService)) {
      for (const d of routeDestinations(vs)) {
        if (!d.subset || d.kind !== "route") continue;
        const key = `${hosts.canonical(d.host, vs.namespace)}|${d.subset}`;
        if (!out.has(key)) out.set(key, vs);
      }
    }
    return out;
  });
}
