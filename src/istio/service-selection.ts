import { K } from "../model/kinds.js";
import { type Resource, asStringMap, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { Workload } from "../model/workloads.js";
import { addTo } from "../base/multimap.js";

/**
 * The Services of a workload's namespace whose selector matches its pod labels (Services without a selector have
 * manually managed endpoints and select nothing). Services are indexed once per run by namespace and by one
 * `key=value` of their selector, so a workload is compared only with the Services that could select it.
 */
export function servicesSelecting(index: ResourceIndex, workload: Workload): Resource[] {
  const table = index.memo("istio/services-by-selector-label", [K.Service], () => {
    const out = new Map<string, { svc: Resource; selector: Readonly<Record<string, string>> }[]>();
    for (const svc of index.all(K.Service)) {
      const selector = asStringMap(spec(svc).selector) ?? {};
      const first = Object.entries(selector)[0];
      if (!first) continue;
      const key = `${svc.namespace}\u0000${first[0]}=${first[1]}`;
      addTo(out, key, { svc, selector });
    }
    return out;
  });
  return Object.entries(workload.labels).flatMap(([k, v]) =>
    (table.get(`${workload.namespace}\u0000${k}=${v}`) ?? [])
      .filter(({ selector }) => Object.entries(selector).every(([sk, sv]) => workload.labels[sk] === sv))
      .map(({ svc }) => svc),
  );
}
