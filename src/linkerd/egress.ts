/**
 * EgressNetwork networks as Linkerd's policy controller sees them: an absent `networks` field means every address
 * outside the cluster networks (install default shown below).
 */
import type { Prefix } from "../base/go/net.js";
import { type FieldPath, type Resource, asArray, asObject, asString, spec } from "../model/resource.js";
import { networksOverlap, parseNetwork } from "./policy-validation.js";

/** Linkerd's default `clusterNetworks` (charts/linkerd-control-plane/values.yaml). */
export const DEFAULT_CLUSTER_NETWORKS: readonly Prefix[] = ["10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8"].map(
  (n) => parseNetwork(n) as Prefix,
);

export interface EgressNet {
  readonly cidr: Prefix;
  readonly except: readonly Prefix[];
  readonly text: string;
  readonly path: FieldPath;
}

/** The networks of an EgressNetwork; undefined when `networks` is absent (everything outside the cluster). */
export function egressNetworksOf(egress: Resource): EgressNet[] | undefined {
  const networks = spec(egress).networks;
  if (!Array.isArray(networks)) return undefined;
  return asArray(networks).flatMap((n, i) => {
    const o = asObject(n);
    const text = asString(o?.cidr);
    const cidr = text === undefined ? undefined : parseNetwork(text);
    if (!cidr || text === undefined) return [];
    const except = asArray(o?.except).flatMap((e) => {
      const p = parseNetwork(asString(e) ?? "");
      return p ? [p] : [];
    });
    return [{ cidr, except, text, path: ["spec", "networks", i, "cidr"] }];
  });
}

/** Whether `inner` lies within an except of `net` (the overlap is carved out). */
const carvedOut = (net: EgressNet, inner: Prefix): boolean => net.except.some((e) => networksOverlap(e, inner) && e.bits <= inner.bits);

const insideCluster = (p: Prefix): boolean => DEFAULT_CLUSTER_NETWORKS.some((c) => c.addr.length === p.addr.length && c.bits <= p.bits && networksOverlap(c, p));

/** Where `a` overlaps `b`: the path into `a` and a description, or undefined. */
export function egressOverlap(a: EgressNet[] | undefined, b: EgressNet[] | undefined): { path: FieldPath; what: string } | undefined {
  if (a === undefined && b === undefined) return { path: ["spec"], what: "every address outside the cluster networks" };
  if (a === undefined || b === undefined) {
    const explicit = (a ?? b) as EgressNet[];
    const outside = explicit.find((n) => !insideCluster(n.cidr));
    if (!outside) return undefined;
    return a === undefined ? { path: ["spec"], what: `"${outside.text}"` } : { path: outside.path, what: `"${outside.text}"` };
  }
  for (const x of a) {
    for (const y of b) {
      if (!networksOverlap(x.cidr, y.cidr)) continue;
      const smaller = x.cidr.bits >= y.cidr.bits ? x.cidr : y.cidr;
      if (carvedOut(x, smaller) || carvedOut(y, smaller)) continue;
      return { path: x.path, what: `"${x.text}"` };
    }
  }
  return undefined;
}
