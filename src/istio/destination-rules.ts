import { HOST_KINDS, type HostEntry, canonicalHost, namespaceOfFqdn, resolveHost } from "./hosts.js";
import { hostMatchesPattern, hostsIntersect } from "../model/hostnames.js";
import { K } from "../model/kinds.js";
import { type Resource, asArray, asObject, asString, asStringMap, spec } from "../model/resource.js";
import { type ResourceIndex } from "../model/resource-index.js";
import { selectorFromLabels } from "../model/selectors.js";
import { serviceView, workloadsBehind } from "../model/services.js";
import { type ExportScope, destinationRuleScope, isVisibleFrom } from "./export-to.js";
import { routeDestinations } from "./routes.js";
import { importsHost } from "./sidecar-imports.js";
import { addTo } from "../base/multimap.js";

interface IndexedRule {
  readonly rule: Resource;
  readonly host: string;
  readonly scope: ExportScope;
}

interface NamespaceRules {
  readonly exact: Map<string, IndexedRule[]>;
  readonly wildcard: IndexedRule[];
}

export interface AppliedDestinationRules {
  /** The DestinationRules Istio applies (several when DestinationRules for the same host are merged). */
  readonly rules: readonly Resource[];
  /** The namespace they were found in, or undefined when none applies. */
  readonly namespace: string | undefined;
}

/**
 * The DestinationRules that apply to traffic from `fromNamespace` to `host` (an FQDN), in Istio's lookup order:
 * the caller's own namespace, then the host's namespace (if exported to the caller), then the root namespace.
 * Within a namespace the most specific host wins: an exact host, else the longest matching wildcard.
 */
export function appliedDestinationRules(
  index: ResourceIndex,
  host: string,
  fromNamespace: string,
  hostNamespaces: readonly string[],
): AppliedDestinationRules {
  const byNamespace = index.memo("istio/destination-rules-by-host", [K.DestinationRule, ...HOST_KINDS], () => buildTable(index));
  const levels = [fromNamespace, ...hostNamespaces, index.settings.rootNamespace];
  const seen = new Set<string>();
  for (const ns of levels) {
    if (seen.has(ns)) continue;
    seen.add(ns);
    const table = byNamespace.get(ns);
    if (!table) continue;
    const visible = (r: IndexedRule) => ns === fromNamespace || isVisibleFrom(r.scope, fromNamespace);
    const exact = (table.exact.get(host) ?? []).filter(visible);
    if (exact.length) return { rules: exact.map((r) => r.rule), namespace: ns };
    const wildcards = table.wildcard.filter((r) => visible(r) && hostMatchesPattern(host, r.host));
    if (wildcards.length) {
      const best = Math.max(...wildcards.map((r) => r.host.length));
      return { rules: wildcards.filter((r) => r.host.length === best).map((r) => r.rule), namespace: ns };
    }
  }
  return { rules: [], namespace: undefined };
}

/** Names of the subsets the given DestinationRules define. */
export function subsetNames(rules: readonly Resource[]): Set<string> {
  const names = new Set<string>();
  for (const r of rules) {
    for (const s of asArray(spec(r).subsets)) {
      const name = asString(asObject(s)?.name);
      if (name) names.add(name);
    }
  }
  return names;
}

function buildTable(index: ResourceIndex): Map<string, NamespaceRules> {
  const out = new Map<string, NamespaceRules>();
  for (const rule of index.all(K.DestinationRule)) {
    const written = asString(spec(rule).host);
    if (!written) continue;
    const host = canonicalHost(index, written, rule.namespace);
    let table = out.get(rule.namespace);
    if (!table) out.set(rule.namespace, (table = { exact: new Map(), wildcard: [] }));
    const entry = { rule, host, scope: destinationRuleScope(rule, index.settings) };
    if (host.startsWith("*")) table.wildcard.push(entry);
    else {
      const list = table.exact.get(host);
      if (list) list.push(entry);
      else table.exact.set(host, [entry]);
    }
  }
  return out;
}

/**
 * Labels of what serves a host: the pod templates a Service's selector picks in its namespace, or a ServiceEntry's
 * selected workloads, else its endpoints' labels.
 */
export function backendLabels(index: ResourceIndex, entry: HostEntry): Readonly<Record<string, string>>[] {
  const r = entry.resource;
  if (r.kind === "Service") return workloadsBehind(index, serviceView(index, r)).map((w) => w.labels);
  const workloadSelector = asStringMap(asObject(spec(r).workloadSelector)?.labels);
  if (workloadSelector && Object.keys(workloadSelector).length) {
    return index.workloads().select(selectorFromLabels(workloadSelector), r.namespace).map((w) => w.labels);
  }
  return asArray(spec(r).endpoints).flatMap((e) => {
    const labels = asStringMap(asObject(e)?.labels);
    return labels ? [labels] : [];
  });
}

/** `host|subset` (canonical host) → the first VirtualService whose routes send traffic there, over all VirtualServices. */
export function routedSubsets(index: ResourceIndex): Map<string, Resource> {
  return index.memo("istio/routed-subsets", [K.VirtualService, ...HOST_KINDS], () => {
    const out = new Map<string, Resource>();
    for (const vs of index.all(K.VirtualService)) {
      for (const d of routeDestinations(vs)) {
        if (!d.subset || d.kind !== "route") continue;
        const key = `${canonicalHost(index, d.host, vs.namespace)}|${d.subset}`;
        if (!out.has(key)) out.set(key, vs);
      }
    }
    return out;
  });
}

/** Two DestinationRules of one namespace that both configure a host (exactly, or through a wildcard). */
export interface DestinationRuleOverlap {
  readonly rule: Resource;
  readonly other: Resource;
  /** The host both apply to (the more specific of the two). */
  readonly host: string;
  /** Subset names both define; empty when the clash is of a rule without subsets, or of two traffic policies. */
  readonly subsets: readonly string[];
  /** Why they clash: shared subset names, a rule without subsets (it applies to every subset), or two top-level traffic policies. */
  readonly reason: "subsets" | "noSubsets" | "trafficPolicy";
}

/**
 * Pairs of DestinationRules that Istio merges (same namespace, hosts that intersect) in a way that drops part of
 * one of them: a subset name defined twice, a rule without subsets next to another (as Kiali counts it), or two
 * top-level traffic policies (only the first is kept). DestinationRules with a workload selector are left out
 * (they apply to their workloads only), as are mesh-wide and namespace-wide ISTIO_MUTUAL defaults. Only hosts
 * that the namespace's Sidecar imports count.
 */
export function destinationRuleOverlaps(index: ResourceIndex): readonly DestinationRuleOverlap[] {
  return index.memo("istio/destination-rule-overlaps", [K.DestinationRule, K.Sidecar, ...HOST_KINDS], () => {
    const byNamespace = new Map<string, { rule: Resource; host: string }[]>();
    for (const rule of index.all(K.DestinationRule)) {
      const written = asString(spec(rule).host);
      if (!written || asObject(spec(rule).workloadSelector)) continue;
      const host = canonicalHost(index, written, rule.namespace);
      if (isMtlsDefault(index, rule, host)) continue;
      const list = byNamespace.get(rule.namespace) ?? [];
      list.push({ rule, host });
      byNamespace.set(rule.namespace, list);
    }
    const out: DestinationRuleOverlap[] = [];
    for (const [namespace, rules] of byNamespace) {
      // Exact hosts are grouped; wildcard hosts are compared with everything in the namespace.
      const exact = new Map<string, { rule: Resource; host: string }[]>();
      const wildcards = rules.filter((r) => r.host.startsWith("*"));
      for (const r of rules) if (!r.host.startsWith("*")) addTo(exact, r.host, r);
      const pairs: [{ rule: Resource; host: string }, { rule: Resource; host: string }][] = [];
      for (const group of exact.values()) for (let i = 0; i < group.length; i++) for (let j = i + 1; j < group.length; j++) pairs.push([group[i]!, group[j]!]);
      for (const w of wildcards) for (const r of rules) if (r !== w && (!r.host.startsWith("*") || rules.indexOf(r) > rules.indexOf(w)) && hostsIntersect(w.host, r.host)) pairs.push([w, r]);
      for (const [a, b] of pairs) {
        const host = specificHost(a.host, b.host);
        if (!importsHost(index, namespace, namespaceOfFqdn(index, host) ?? hostOwner(index, host, namespace), host)) continue;
        const clash = clashOf(a.rule, b.rule);
        if (!clash) continue;
        out.push({ rule: a.rule, other: b.rule, host, ...clash }, { rule: b.rule, other: a.rule, host, ...clash });
      }
    }
    return out;
  });
}

function specificHost(a: string, b: string): string {
  if (!a.startsWith("*")) return a;
  if (!b.startsWith("*")) return b;
  return a.length >= b.length ? a : b;
}

/** The namespace of the Service or ServiceEntry defining a host, when the repository has one. */
function hostOwner(index: ResourceIndex, host: string, namespace: string): string | undefined {
  return resolveHost(index, host, namespace).entries[0]?.resource.namespace;
}

/** `*.local` / `*.<clusterDomain>` (mesh-wide) or `*.<own namespace>.svc.<clusterDomain>` with ISTIO_MUTUAL: an mTLS default, not a host's rule. */
function isMtlsDefault(index: ResourceIndex, rule: Resource, host: string): boolean {
  const domain = index.settings.clusterDomain.toLowerCase();
  if (host !== "*.local" && host !== `*.${domain}` && host !== `*.${rule.namespace}.svc.${domain}`) return false;
  return asString(asObject(asObject(spec(rule).trafficPolicy)?.tls)?.mode) === "ISTIO_MUTUAL";
}

function clashOf(a: Resource, b: Resource): Pick<DestinationRuleOverlap, "subsets" | "reason"> | undefined {
  const subsetsOf = (r: Resource) => (Array.isArray(spec(r).subsets) ? subsetNames([r]) : undefined);
  const sa = subsetsOf(a);
  const sb = subsetsOf(b);
  if (!sa || !sb || sa.size === 0 || sb.size === 0) return { subsets: [], reason: "noSubsets" };
  const shared = [...sa].filter((n) => sb.has(n)).sort();
  if (shared.length) return { subsets: shared, reason: "subsets" };
  if (asObject(spec(a).trafficPolicy) && asObject(spec(b).trafficPolicy)) return { subsets: [], reason: "trafficPolicy" };
  return undefined;
}
