// Host names as Kubernetes and every mesh write them: short Service names, FQDNs and `*` wildcards.

/** Expands a host as written in a resource of `namespace`, as Istio's ResolveShortnameToFQDN does: a name without dots is a Service in that namespace. */
export function qualifyHost(host: string, namespace: string, clusterDomain: string): string {
  const h = host.toLowerCase();
  if (h.includes(".") || h.startsWith("*")) return h;
  return `${h}.${namespace}.svc.${clusterDomain}`;
}

/** DNS-style match where a pattern may start with `*` (`*.example.com` covers `a.example.com`, not `example.com`). */
export function hostMatchesPattern(host: string, pattern: string): boolean {
  if (pattern === "*") return true;
  if (pattern.startsWith("*")) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return host === pattern;
}

/** Whether two host names, either of which may be a wildcard, can name the same host. */
export function hostsIntersect(a: string, b: string): boolean {
  if (a === b) return true;
  const aWild = a.startsWith("*");
  const bWild = b.startsWith("*");
  if (aWild && bWild) return a.slice(1).endsWith(b.slice(1)) || b.slice(1).endsWith(a.slice(1));
  if (aWild) return hostMatchesPattern(b, a);
  if (bWild) return hostMatchesPattern(a, b);
  return false;
}
