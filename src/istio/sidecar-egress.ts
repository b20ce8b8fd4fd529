import { hostMatchesPattern, hostsIntersect } from "../model/hostnames.js";
import { type FieldPath, type Resource, asArray, asObject, asString, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { addTo } from "../base/multimap.js";
import { isVisibleFrom } from "./export-to.js";
import { HOST_KINDS, type HostEntry, hostEntries, qualifiedHost, resolveHost } from "./hosts.js";

/** One `namespace/dnsName` entry of a Sidecar's `egress[].hosts`. */
export interface EgressHost {
  readonly value: string;
  /** `*`, `.`, `~` or a namespace name. */
  readonly namespace: string;
  readonly dnsName: string;
  readonly path: FieldPath;
}

export function egressHosts(sidecar: Resource): EgressHost[] {
  return asArray(spec(sidecar).egress).flatMap((listener, i) =>
    asArray(asObject(listener)?.hosts).flatMap((h, j) => {
      const value = asString(h);
      const slash = value?.indexOf("/") ?? -1;
      if (!value || slash < 0) return [];
      return [{ value, namespace: value.slice(0, slash), dnsName: value.slice(slash + 1), path: ["spec", "egress", i, "hosts", j] }];
    }),
  );
}

interface Catalog {
  /** Entries by every DNS suffix of their host (`a.b.c` under `a.b.c`, `b.c` and `c`; `*.b.c` under `b.c` and `c`). */
  readonly bySuffix: ReadonlyMap<string, readonly HostEntry[]>;
  /** Entries by their host without a leading `*.` (`*` under ""). */
  readonly byBase: ReadonlyMap<string, readonly HostEntry[]>;
}

const baseOf = (host: string): string => (host === "*" ? "" : host.startsWith("*.") ? host.slice(2) : host);

function catalog(index: ResourceIndex): Catalog {
  return index.memo("istio/host-catalog", HOST_KINDS, () => {
    const bySuffix = new Map<string, HostEntry[]>();
    const byBase = new Map<string, HostEntry[]>();
    for (const entry of hostEntries(index)) {
      const base = baseOf(entry.host);
      addTo(byBase, base, entry);
      const labels = base.split(".");
      for (let i = 0; i < labels.length && base; i++) addTo(bySuffix, labels.slice(i).join("."), entry);
    }
    return { bySuffix, byBase };
  });
}

/** Entries whose host can name the same host as `fqdn` (either may be a wildcard), looked up by suffix. */
function intersecting(cat: Catalog, fqdn: string): HostEntry[] {
  const base = baseOf(fqdn);
  if (base === "") return [...cat.byBase.values()].flat();
  const labels = base.split(".");
  const wider = [""].concat(labels.map((_, i) => labels.slice(i + 1).join(".")).filter(Boolean));
  const candidates = [...(cat.bySuffix.get(base) ?? []), ...wider.flatMap((t) => cat.byBase.get(t) ?? [])];
  return [...new Set(candidates)].filter((e) => hostsIntersect(e.host, fqdn));
}

export interface EgressResolution {
  /** Kiali's reading (KIA1004): the host resolves in the registry visible from the Sidecar, whatever namespace holds it. */
  readonly registered: boolean;
  /** Istio's reading: a visible Service or ServiceEntry in the entry's namespace matches, so the entry imports it. */
  readonly imported: boolean;
  /** A visible match in another namespace, when nothing is imported. */
  readonly elsewhere: Resource | undefined;
}

/**
 * Resolves an egress host both ways. Kiali ignores the namespace part and resolves the DNS name like a route host
 * (a `*.<own-namespace>.svc` wildcard always passes; a wildcard matches only ServiceEntry hosts that cover it).
 * Istio imports the Services and ServiceEntries *defined in* the named namespace (`*` any, `.` the Sidecar's,
 * `~` none) whose host matches, wildcards on either side.
 */
export function resolveEgressHost(index: ResourceIndex, sidecar: Resource, entry: EgressHost): EgressResolution {
  const { clusterDomain } = index.settings;
  const fqdn = qualifiedHost(index, entry.dnsName, sidecar.namespace);
  const cat = catalog(index);
  const visible = (e: HostEntry) => isVisibleFrom(e.scope, sidecar.namespace);
  const matching = intersecting(cat, fqdn).filter(visible);
  const ns = entry.namespace === "." ? sidecar.namespace : entry.namespace;
  const imported = ns !== "~" && matching.some((e) => ns === "*" || e.resource.namespace === ns);
  let registered: boolean;
  if (entry.dnsName === "*") registered = true;
  else if (fqdn.startsWith("*")) {
    registered =
      fqdn === `*.${sidecar.namespace}.svc.${clusterDomain}` ||
      matching.some((e) => e.resource.kind === "ServiceEntry" && hostMatchesPattern(fqdn, e.host));
  } else {
    const found = resolveHost(index, entry.dnsName, sidecar.namespace);
    registered = found.entries.length > 0 || found.external;
  }
  return { registered, imported, elsewhere: imported ? undefined : matching[0]?.resource };
}
