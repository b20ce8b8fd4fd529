import { type ExportScope, isVisibleFrom, serviceScope } from "./export-to.js";
import { hostMatchesPattern, qualifyHost } from "../model/hostnames.js";
import { type Resource, asArray, asNumber, asObject, asString, spec } from "../model/resource.js";
import { K, type KindKey } from "../model/kinds.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type ServiceView, allServices } from "../model/services.js";
import type { Settings } from "../model/settings.js";

/** Kinds a rule reads when it resolves hosts (checked against each rule's `reads`). */
export const HOST_KINDS: readonly KindKey[] = [K.Service, K.ServiceEntry, K.Namespace];

/** The run's host table, built once from the index's Services and ServiceEntries. */
export function hostTable(index: ResourceIndex): HostTable {
  return index.memo("istio/hosts", HOST_KINDS, () => {
    const namespaces = index.namespaces();
    return new HostTable(allServices(index), index.all(K.ServiceEntry), index.settings, (ns) => namespaces.exists(ns));
  });
}

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
  /** The host as its Service or ServiceEntry spells it when one matches exactly (`reviews.ns` → its FQDN), else fqdn. */
  readonly host: string;
  /** Visible entries for the host: exact names first, else the most specific wildcard ServiceEntry hosts. */
  readonly entries: readonly HostEntry[];
  /** True when no entry exists but the host matches `settings.externalHosts`. */
  readonly external: boolean;
  /** Entries for the host that exist but whose exportTo hides them from the referrer's namespace. */
  readonly hidden: readonly HostEntry[];
}

/**
 * Services and ServiceEntries by host, following Istio's rules: short names resolve in the referrer's namespace,
 * `name.ns` and `name.ns.svc` resolve to a Service when `ns` is a known namespace, FQDNs use the cluster domain,
 * ServiceEntry hosts may be `*.suffix` wildcards, and every entry is visible only where its exportTo says.
 */
export class HostTable {
  private readonly exact = new Map<string, HostEntry[]>();
  private readonly wildcard = new Map<string, HostEntry[]>();
  private readonly externalPatterns: readonly string[];

  constructor(
    services: readonly ServiceView[],
    serviceEntries: readonly Resource[],
    private readonly settings: Settings,
    private readonly isNamespace: (name: string) => boolean,
  ) {
    for (const s of services) {
      if (!s.name) continue;
      this.add({ host: s.fqdn, resource: s.resource, scope: serviceScope(s.resource, settings), ports: s.ports });
    }
    for (const se of serviceEntries) {
      const scope = serviceScope(se, settings);
      const ports = serviceEntryPorts(se);
      for (const h of asArray(spec(se).hosts)) {
        if (typeof h === "string" && h) this.add({ host: h.toLowerCase(), resource: se, scope, ports });
      }
    }
    this.externalPatterns = settings.externalHosts.map((h) => h.toLowerCase());
  }

  private add(entry: HostEntry): void {
    const map = entry.host.startsWith("*") ? this.wildcard : this.exact;
    // Wildcards are keyed by the suffix they cover: `*.example.com` by `example.com`, `*` by "".
    const key = entry.host === "*" ? "" : entry.host.startsWith("*.") ? entry.host.slice(2) : entry.host;
    const list = map.get(key);
    if (list) list.push(entry);
    else map.set(key, [entry]);
  }

  qualify(host: string, namespace: string): string {
    return qualifyHost(host, namespace, this.settings.clusterDomain);
  }

  /** The host a reference names, as its Service or ServiceEntry spells it when one matches exactly, else the FQDN. */
  canonical(host: string, fromNamespace: string): string {
    return this.lookup(host, fromNamespace).host;
  }

  lookup(host: string, fromNamespace: string): HostLookup {
    const fqdn = this.qualify(host, fromNamespace);
    const visible = (e: HostEntry) => isVisibleFrom(e.scope, fromNamespace);
    const hidden: HostEntry[] = [];
    const pick = (found: readonly HostEntry[] | undefined) => {
      const entries = (found ?? []).filter(visible);
      if (!entries.length) hidden.push(...(found ?? []));
      return entries;
    };
    for (const candidate of this.candidates(fqdn)) {
      const entries = pick(this.exact.get(candidate));
      if (entries.length) return { fqdn, host: candidate, entries, external: false, hidden: [] };
    }
    if (!fqdn.startsWith("*")) {
      // Most specific wildcard first: for a.b.example.com try *.b.example.com, then *.example.com, then *.com, then *.
      const labels = fqdn.split(".");
      for (let i = 1; i <= labels.length; i++) {
        const entries = pick(this.wildcard.get(labels.slice(i).join(".")));
        if (entries.length) return { fqdn, host: fqdn, entries, external: false, hidden: [] };
      }
    }
    const external = this.externalPatterns.some((p) => hostMatchesPattern(fqdn, p));
    return { fqdn, host: fqdn, entries: [], external, hidden };
  }

  /** Every exact or wildcard form a reference may stand for (`a.ns` and `a.ns.svc` when `ns` is a namespace). */
  private candidates(fqdn: string): string[] {
    const out = [fqdn];
    const labels = fqdn.split(".");
    if (labels.length === 2 && this.isNamespace(labels[1] as string)) out.push(`${fqdn}.svc.${this.settings.clusterDomain}`);
    if (labels.length === 3 && labels[2] === "svc") out.push(`${fqdn}.${this.settings.clusterDomain}`);
    return out;
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
