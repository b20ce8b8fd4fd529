import { type ExportScope, isVisibleFrom, serviceScope } from "./export-to.js";
import { hostMatchesPattern, qualifyHost } from "../model/hostnames.js";
import { type Resource, asArray, asNumber, asObject, asString, spec } from "../model/resource.js";
import { K, type KindKey } from "../model/kinds.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { readServiceView } from "../model/services.js";
import type { Settings } from "../model/settings.js";

// Istio's reading of a host name, the one every rule and model function resolves hosts with.
//
// - A name without a dot is a Service of the namespace of the object that writes it (pilot's
//   ResolveShortnameToFQDN); every other name is taken as written, lower-cased.
// - A Kubernetes Service is the host `name.namespace.svc.<cluster domain>` (pilot's ServiceHostname with istiod's
//   `--domain`, meshlint's `settings.clusterDomain`). The mesh's trust domain names workload identities
//   (spiffe://<trust domain>/ns/…/sa/…) and never stands in for the cluster domain: with `trustDomain: example.org`,
//   `reviews.shop.svc.example.org` is not Service `reviews` of namespace `shop` unless the cluster domain is
//   `example.org`. (Kiali, without `istio_identity_domain` configured, builds Service names from the trust domain.)
// - As Kiali does, `name.namespace` and `name.namespace.svc` stand for the Service when `namespace` exists.
// - ServiceEntry hosts may be `*.suffix` wildcards; an exact host wins over wildcards, the most specific wildcard
//   over the others (pilot's MostSpecificHostMatch).
// - Every Service and ServiceEntry is visible only where its exportTo says.

/** Kinds a rule reads when it resolves hosts (checked against each rule's `reads`). */
export const HOST_KINDS: readonly KindKey[] = [K.Service, K.ServiceEntry, K.Namespace];

export interface HostPort {
  readonly number: number;
  readonly name: string | undefined;
  readonly protocol: string | undefined;
  readonly targetPort: number | string | undefined;
}

/** One host a Service or ServiceEntry makes routable. */
export interface HostEntry {
  /** Lower-case; the FQDN for a Service, as written (possibly `*.suffix`) for a ServiceEntry. */
  readonly host: string;
  readonly resource: Resource;
  readonly scope: ExportScope;
  readonly ports: readonly HostPort[];
}

export interface HostLookup {
  /** The reference expanded the way Istio expands it (`reviews` → `reviews.ns.svc.cluster.local`). */
  readonly fqdn: string;
  /**
   * The host the reference stands for, to compare hosts written in different forms: the Service or ServiceEntry
   * host it names exactly, else its FQDN (`reviews.shop` and `reviews.shop.svc` written out in the cluster domain
   * when `shop` is a namespace). Wildcards are kept as written.
   */
  readonly host: string;
  /** Visible entries for the host: exact names first, else the most specific wildcard ServiceEntry hosts. */
  readonly entries: readonly HostEntry[];
  /** True when no entry exists but the host matches `settings.externalHosts`. */
  readonly external: boolean;
  /** Entries for the host that exist but whose exportTo hides them from the client's namespace. */
  readonly hidden: readonly HostEntry[];
}

/**
 * Resolves a host as an object in `ownerNamespace` writes it (a short name is a Service of that namespace), for the
 * proxies of `clientNamespace` (exportTo decides what they see).
 */
export function resolveHost(index: ResourceIndex, host: string, ownerNamespace: string, clientNamespace = ownerNamespace): HostLookup {
  return hostTable(index).resolve(host, ownerNamespace, clientNamespace);
}

/** Every host the run's Services and ServiceEntries define (wildcards as written), in input order. */
export const hostEntries = (index: ResourceIndex): readonly HostEntry[] => allHostEntries(index);

/** The host a reference written in `ownerNamespace` stands for (see HostLookup.host), whether or not it exists. */
export const canonicalHost = (index: ResourceIndex, host: string, ownerNamespace: string): string =>
  resolveHost(index, host, ownerNamespace).host;

/** A host written in `namespace`, with a short name expanded to the Service FQDN and nothing else changed. */
export const qualifiedHost = (index: ResourceIndex, host: string, namespace: string): string =>
  qualifyHost(host, namespace, index.settings.clusterDomain);

/** The namespace a Kubernetes FQDN (`name.ns.svc.<cluster domain>`, `*.ns.svc.<cluster domain>`) names. */
export function namespaceOfFqdn(index: ResourceIndex, fqdn: string): string | undefined {
  const suffix = `.svc.${index.settings.clusterDomain.toLowerCase()}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const labels = fqdn.slice(0, -suffix.length).split(".");
  return labels.length === 2 ? labels[1] : undefined;
}

/**
 * The namespaces a host belongs to: those of the Services or ServiceEntries defining it, else the one its FQDN
 * names. Istio looks for DestinationRules there.
 */
export function hostNamespaces(index: ResourceIndex, found: HostLookup): string[] {
  if (found.entries.length) return [...new Set(found.entries.map((e) => e.resource.namespace))];
  const ns = namespaceOfFqdn(index, found.host);
  return ns ? [ns] : [];
}

/**
 * A hint for a host found nowhere that is spelled with the mesh's trust domain where the cluster domain belongs
 * (`name.ns.svc.<trust domain>`): Istio names Services in the cluster domain only.
 */
export function trustDomainHint(index: ResourceIndex, host: string): string | undefined {
  const trustDomain = asString(index.settings.meshConfig.trustDomain)?.toLowerCase();
  const domain = index.settings.clusterDomain.toLowerCase();
  if (!trustDomain || trustDomain === domain || !host.toLowerCase().endsWith(`.svc.${trustDomain}`)) return undefined;
  return `Istio names Services in the cluster domain ("${domain}"), not in the trust domain ("${trustDomain}"); if the cluster's DNS domain is "${trustDomain}", set settings.clusterDomain in .meshlint.yaml.`;
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

/**
 * The run's host table: a lookup table fed per Service and ServiceEntry, so that a change re-files only the hosts it
 * names and a lookup depends only on the hosts it examined (a Service change re-runs the checks that looked that host
 * up, not every host lookup of the run).
 */
function hostTable(index: ResourceIndex): HostTable {
  const { settings } = index;
  const table = index.table<HostEntry>(
    "istio/hosts",
    [K.Service, K.ServiceEntry],
    (r) => entriesOf(r, settings).map((e) => [slotOf(e.host), e] as const),
    SERVICES_FIRST,
  );
  const namespaces = index.namespaces();
  return new HostTable(
    (host) => table.get(`=${host}`),
    (suffix) => table.get(`*${suffix}`),
    settings,
    (ns) => namespaces.exists(ns),
  );
}

/** Every host entry of the run in input order: the Services' first, then the ServiceEntries'. */
function allHostEntries(index: ResourceIndex): readonly HostEntry[] {
  return index.memo("istio/host-entries", [K.Service, K.ServiceEntry], () =>
    [...index.all(K.Service), ...index.all(K.ServiceEntry)].flatMap((r) => entriesOf(r, index.settings)),
  );
}

/** The hosts one Service (its FQDN) or ServiceEntry (its `hosts`) makes routable. */
function entriesOf(r: Resource, settings: Settings): HostEntry[] {
  const scope = serviceScope(r, settings);
  if (r.kind === "Service" && r.group === "") {
    const service = readServiceView(r, settings.clusterDomain);
    return service.name ? [{ host: service.fqdn, resource: r, scope, ports: service.ports }] : [];
  }
  const ports = serviceEntryPorts(r);
  return asArray(spec(r).hosts).flatMap((h) => (typeof h === "string" && h ? [{ host: h.toLowerCase(), resource: r, scope, ports }] : []));
}

/**
 * The table key of a host: `=host` for an exact host; a wildcard by the suffix it covers (`*.example.com` as
 * `*example.com`, `*` as `*`); a malformed `*foo` under a key no lookup asks for.
 */
const slotOf = (host: string): string => (host === "*" ? "*" : host.startsWith("*.") ? `*${host.slice(2)}` : host.startsWith("*") ? `*${host}` : `=${host}`);

/** A full build files every Service before any ServiceEntry; a patch keeps that order. */
const SERVICES_FIRST = (a: Resource, b: Resource): number => Number(a.kind === "ServiceEntry") - Number(b.kind === "ServiceEntry");

/** Services and ServiceEntries by host (exact, and wildcards by the suffix they cover). */
class HostTable {
  private readonly externalPatterns: readonly string[];
  private readonly clusterDomain: string;

  constructor(
    private readonly exact: (host: string) => readonly HostEntry[],
    private readonly wildcard: (suffix: string) => readonly HostEntry[],
    settings: Settings,
    private readonly isNamespace: (name: string) => boolean,
  ) {
    this.clusterDomain = settings.clusterDomain;
    this.externalPatterns = settings.externalHosts.map((h) => h.toLowerCase());
  }

  resolve(host: string, ownerNamespace: string, clientNamespace: string): HostLookup {
    const fqdn = qualifyHost(host, ownerNamespace, this.clusterDomain);
    const candidates = this.candidates(fqdn);
    const canonical = candidates[candidates.length - 1] as string;
    const visible = (e: HostEntry) => isVisibleFrom(e.scope, clientNamespace);
    const hidden: HostEntry[] = [];
    const pick = (found: readonly HostEntry[] | undefined) => {
      const entries = (found ?? []).filter(visible);
      if (!entries.length) hidden.push(...(found ?? []));
      return entries;
    };
    for (const candidate of candidates) {
      const entries = pick(this.exact(candidate));
      if (entries.length) return { fqdn, host: candidate, entries, external: false, hidden: [] };
    }
    if (!fqdn.startsWith("*")) {
      // Most specific wildcard first: for a.b.example.com try *.b.example.com, then *.example.com, then *.com, then *.
      const labels = fqdn.split(".");
      for (let i = 1; i <= labels.length; i++) {
        const entries = pick(this.wildcard(labels.slice(i).join(".")));
        if (entries.length) return { fqdn, host: canonical, entries, external: false, hidden: [] };
      }
    }
    const external = this.externalPatterns.some((p) => hostMatchesPattern(fqdn, p));
    return { fqdn, host: canonical, entries: [], external, hidden };
  }

  /** Every exact form a reference may stand for, the Service FQDN last (`a.ns` and `a.ns.svc` when `ns` is a namespace). */
  private candidates(fqdn: string): string[] {
    if (fqdn.startsWith("*")) return [fqdn];
    const labels = fqdn.split(".");
    if (labels.length === 2 && this.isNamespace(labels[1] as string)) return [fqdn, `${fqdn}.svc.${this.clusterDomain}`];
    if (labels.length === 3 && labels[2] === "svc") return [fqdn, `${fqdn}.${this.clusterDomain}`];
    return [fqdn];
  }
}

function serviceEntryPorts(se: Resource): HostPort[] {
  return asArray(spec(se).ports).flatMap((p) => {
    const port = asObject(p);
    const number = asNumber(port?.number);
    if (!port || number === undefined) return [];
    const target = asNumber(port.targetPort);
    return [{ number, name: asString(port.name), protocol: asString(port.protocol), targetPort: target }];
  });
}
