import { hostMatchesPattern } from "../hosts.js";
import { K } from "../kinds.js";
import { type Resource, asArray, asObject, asString, spec } from "../resource.js";
import { HOST_KINDS, type ResourceIndex } from "../resource-index.js";
import { type ExportScope, destinationRuleScope, isVisibleFrom } from "./export-to.js";

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
  const hosts = index.hosts();
  const out = new Map<string, NamespaceRules>();
  for (const rule of index.all(K.DestinationRule)) {
    const written = asString(spec(rule).host);
    if (!written) continue;
    const host = hosts.canonical(written, rule.namespace);
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
