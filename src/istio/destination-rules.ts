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

interface IndexedRule {
  readonly rule: Resource;
  readonly host: string;
  readonly scope: ExportScope;
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
  const table = destinationRulesByHost(index);
  const levels = [fromNamespace, ...hostNamespaces, index.settings.rootNamespace];
  const seen = new Set<string>();
  for (const ns of levels) {
    if (seen.has(ns)) continue;
    seen.add(ns);
    const visible = (r: IndexedRule) => ns === fromNamespace || isVisibleFrom(r.scope, fromNamespace);
    const exact = table.get(`${ns}\u0000${host}`).filter(visible);
    if (exact.length) return { rules: exact.map((r) => r.rule), namespace: ns };
    const wildcards = table.get(`${ns}\u0000*`).filter((r) => visible(r) && hostMatchesPattern(host, r.host));
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

/**
 * DestinationRules by namespace and canonical host (`ns\0host`; wildcard hosts under `ns\0*`), fed per
 * DestinationRule so that a change re-files only that rule and re-runs only the checks that looked up its host.
 */
function destinationRulesByHost(index: ResourceIndex) {
  return index.table<IndexedRule>("istio/destination-rules-by-host", [K.DestinationRule, ...HOST_KINDS], (rule, index) => {
    if (rule.kind !== "DestinationRule" || rule.group !== K.DestinationRule.group) return [];
    const written = asString(spec(rule).host);
    if (!written) return [];
    const host = canonicalHost(index, written, rule.namespace);
    const entry = { rule, host, scope: destinationRuleScope(rule, index.settings) };
    return [[host.startsWith("*") ? `${rule.namespace}\u0000*` : `${rule.namespace}\u0000${host}`, entry]];
  });
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

/** The first VirtualService (in index order) whose routes send traffic to a subset of a canonical host. */
export function routedSubset(index: ResourceIndex, host: string, subset: string): Resource | undefined {
  return index
    .table<Resource>("istio/routed-subsets", [K.VirtualService, ...HOST_KINDS], (vs, index) => {
      if (vs.kind !== "VirtualService" || vs.group !== K.VirtualService.group) return [];
      const keys = new Set<string>();
      for (const d of routeDestinations(vs)) if (d.subset && d.kind === "route") keys.add(`${canonicalHost(index, d.host, vs.namespace)}|${d.subset}`);
      return [...keys].map((key) => [key, vs] as const);
    })
    .get(`${host}|${subset}`)[0];
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
 * The DestinationRules that Istio merges with `dr` (same namespace, hosts that intersect) in a way that drops part of
 * one of them: a subset name defined twice, a rule without subsets next to another (as Kiali counts it), or two
 * top-level traffic policies (only the first is kept). DestinationRules with a workload selector are left out
 * (they apply to their workloads only), as are mesh-wide and namespace-wide ISTIO_MUTUAL defaults. Only hosts
 * that the namespace's Sidecar imports count.
 */
export function destinationRuleOverlapsOf(index: ResourceIndex, dr: Resource): readonly DestinationRuleOverlap[] {
  // DestinationRules of each namespace by host (`ns\0=host`), wildcards together (`ns\0*`), and all of them
  // (`ns\0all`, which only a wildcard needs to compare with); fed per DestinationRule.
  const table = index.table<{ rule: Resource; host: string }>("istio/destination-rule-claims", [K.DestinationRule, K.Sidecar, ...HOST_KINDS], (rule, index) => {
    const claim = claimOf(index, rule);
    if (!claim) return [];
    return [[`${rule.namespace}\u0000${claim.host.startsWith("*") ? "*" : `=${claim.host}`}`, claim] as const, [`${rule.namespace}\u0000all`, claim] as const];
  });
  const mine = claimOf(index, dr);
  if (!mine) return [];
  const namespace = dr.namespace;
  // Exact hosts meet the same host and the wildcards covering it; a wildcard meets every host it intersects.
  const others = mine.host.startsWith("*")
    ? table.get(`${namespace}\u0000all`).filter((o) => o.rule !== dr && hostsIntersect(mine.host, o.host))
    : [...table.get(`${namespace}\u0000=${mine.host}`), ...table.get(`${namespace}\u0000*`).filter((w) => hostsIntersect(w.host, mine.host))].filter((o) => o.rule !== dr);
  const out: DestinationRuleOverlap[] = [];
  for (const other of others) {
    const host = specificHost(mine.host, other.host);
    if (!importsHost(index, namespace, namespaceOfFqdn(index, host) ?? hostOwner(index, host, namespace), host)) continue;
    const clash = clashOf(dr, other.rule);
    if (clash) out.push({ rule: dr, other: other.rule, host, ...clash });
  }
  return out;
}

/** A DestinationRule's canonical host, unless it applies to selected workloads only or is a mesh or namespace mTLS default. */
function claimOf(index: ResourceIndex, rule: Resource): { rule: Resource; host: string } | undefined {
  if (rule.kind !== "DestinationRule" || rule.group !== K.DestinationRule.group) return undefined;
  const written = asString(spec(rule).host);
  if (!written || asObject(spec(rule).workloadSelector)) return undefined;
  const host = canonicalHost(index, written, rule.namespace);
  return isMtlsDefault(index, rule, host) ? undefined : { rule, host };
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
