import type { HostEntry, HostLookup } from "./hosts.js";
import { type Resource, asArray, asString, spec } from "../model/resource.js";
import { type ResourceIndex } from "../model/resource-index.js";
import { hostTable } from "./hosts.js";

/**
 * Looks a host up as a resource in `ownerNamespace` writes it, seen from `clientNamespace` (where the sidecars
 * that use it run). A short name is expanded in the owner's namespace. A Kubernetes FQDN spelled with the mesh's
 * trust domain instead of the cluster domain (`svc.<trustDomain>`, as Kiali accepts) is tried in cluster-domain form
 * when the first lookup finds nothing.
 */
export function resolveHost(index: ResourceIndex, host: string, ownerNamespace: string, clientNamespace = ownerNamespace): HostLookup {
  const hosts = hostTable(index);
  const found = hosts.lookup(hosts.qualify(host, ownerNamespace), clientNamespace);
  if (found.entries.length || found.external) return found;
  const alias = clusterDomainForm(index, found.fqdn);
  if (!alias) return found;
  const again = hosts.lookup(alias, clientNamespace);
  return again.entries.length ? again : found;
}

/**
 * The FQDN a host stands for, for comparing hosts written in different forms (`reviews`, `reviews.shop`,
 * `reviews.shop.svc`, `reviews.shop.svc.cluster.local` are one host when `shop` is a namespace), whether or
 * not a Service for it is in the repository. Wildcards are kept as written (lower-cased).
 */
export function canonicalHost(index: ResourceIndex, host: string, ownerNamespace: string): string {
  const found = resolveHost(index, host, ownerNamespace);
  if (found.entries.some((e) => e.host === found.host)) return found.host;
  const fqdn = found.fqdn;
  if (fqdn.startsWith("*")) return fqdn;
  const domain = index.settings.clusterDomain;
  const labels = fqdn.split(".");
  if (labels.length === 2 && index.namespaces().exists(labels[1] as string)) return `${fqdn}.svc.${domain}`;
  if (labels.length === 3 && labels[2] === "svc") return `${fqdn}.${domain}`;
  return clusterDomainForm(index, fqdn) ?? fqdn;
}

/** `name.ns.svc.<trustDomain>` rewritten to `name.ns.svc.<clusterDomain>` when the two domains differ. */
function clusterDomainForm(index: ResourceIndex, fqdn: string): string | undefined {
  const trustDomain = asString(index.settings.meshConfig.trustDomain)?.toLowerCase();
  const domain = index.settings.clusterDomain.toLowerCase();
  if (!trustDomain || trustDomain === domain) return undefined;
  const suffix = `.svc.${trustDomain}`;
  return fqdn.endsWith(suffix) ? `${fqdn.slice(0, -trustDomain.length)}${domain}` : undefined;
}

/**
 * The namespace a host belongs to: that of the Services or ServiceEntries defining it, else the one a
 * Kubernetes FQDN (`name.ns.svc.<domain>`, `*.ns.svc.<domain>`) names. Istio looks for DestinationRules there.
 */
export function hostNamespaces(index: ResourceIndex, fqdn: string, entries: readonly HostEntry[]): string[] {
  if (entries.length) return [...new Set(entries.map((e) => e.resource.namespace))];
  const ns = namespaceOfFqdn(index, fqdn);
  return ns ? [ns] : [];
}

export function namespaceOfFqdn(index: ResourceIndex, fqdn: string): string | undefined {
  const suffix = `.svc.${index.settings.clusterDomain.toLowerCase()}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const labels = fqdn.slice(0, -suffix.length).split(".");
  return labels.length === 2 ? labels[1] : undefined;
}

/**
 * The namespaces whose proxies use a VirtualService or DestinationRule, as Istio's analyzers name them: the
 * object's own namespace when it is exported there (no exportTo, `*` or `.`), else the namespaces its exportTo
 * lists. A host it names must be visible from one of them.
 */
export function exportClientNamespaces(r: Resource): string[] {
  const entries = asArray(spec(r).exportTo).filter((e): e is string => typeof e === "string");
  if (entries.length === 0 || entries.includes("*") || entries.includes(".") || entries.includes(r.namespace)) return [r.namespace];
  return [...new Set(entries.filter((e) => e !== "~"))];
}
