import { hostsIntersect } from "../model/hostnames.js";
import { K } from "../model/kinds.js";
import { type Resource, asArray, asObject, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import type { ExportScope } from "./export-to.js";

interface EgressHost {
  readonly namespace: string;
  readonly dns: string;
}

/** Selector-less Sidecars by namespace (the first one of each; several are their own finding). */
function defaultSidecars(index: ResourceIndex): Map<string, Resource> {
  return index.memo("istio/default-sidecars", [K.Sidecar], () => {
    const out = new Map<string, Resource>();
    for (const sc of index.all(K.Sidecar)) {
      if (asObject(spec(sc).workloadSelector) || out.has(sc.namespace)) continue;
      out.set(sc.namespace, sc);
    }
    return out;
  });
}

/** The `namespace/dnsName` egress hosts of a Sidecar; a Sidecar without egress imports everything (undefined). */
function egressHosts(sidecar: Resource): EgressHost[] | undefined {
  const listeners = asArray(spec(sidecar).egress);
  if (listeners.length === 0) return undefined;
  return listeners.flatMap((l) =>
    asArray(asObject(l)?.hosts).flatMap((h) => {
      if (typeof h !== "string") return [];
      const slash = h.indexOf("/");
      return slash < 0 ? [] : [{ namespace: h.slice(0, slash), dns: h.slice(slash + 1).toLowerCase() }];
    }),
  );
}

/** The Sidecar that scopes the proxies of a namespace by default: the namespace's selector-less one, else the root namespace's. */
function scopingSidecar(index: ResourceIndex, namespace: string): Resource | undefined {
  const sidecars = defaultSidecars(index);
  return sidecars.get(namespace) ?? sidecars.get(index.settings.rootNamespace);
}

/**
 * Whether the proxies of `clientNamespace` import a host that objects in `ownerNamespace` define (a Service,
 * ServiceEntry or, for wildcard hosts, unknown: `undefined` matches any namespace), as Istio's Sidecar egress
 * `hosts` decide: `*`, `.` (the Sidecar's namespace), `~` (none) or a namespace name, and a DNS name or wildcard.
 */
export function importsHost(index: ResourceIndex, clientNamespace: string, ownerNamespace: string | undefined, host: string): boolean {
  const sidecar = scopingSidecar(index, clientNamespace);
  const hosts = sidecar && egressHosts(sidecar);
  if (!sidecar || !hosts) return true;
  return hosts.some((e) => {
    if (e.namespace === "~") return false;
    const ns = e.namespace === "." ? sidecar.namespace : e.namespace;
    if (ns !== "*" && ownerNamespace !== undefined && ns !== ownerNamespace) return false;
    return e.dns === "*" || hostsIntersect(host, e.dns);
  });
}

/** Whether a host is imported in at least one namespace of a scope (for `all`: the root default, or any namespace's own). */
export function importedSomewhere(index: ResourceIndex, scope: ExportScope, ownerNamespace: string | undefined, host: string): boolean {
  if (!scope.all) return [...scope.namespaces].some((ns) => importsHost(index, ns, ownerNamespace, host));
  const sidecars = defaultSidecars(index);
  const root = sidecars.get(index.settings.rootNamespace);
  if (!root || importsHost(index, index.settings.rootNamespace, ownerNamespace, host)) return true;
  // Namespaces without a Sidecar of their own use the root one; those with one decide for themselves.
  return [...sidecars.keys()].some((ns) => importsHost(index, ns, ownerNamespace, host));
}
