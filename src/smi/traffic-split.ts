/**
 * SMI TrafficSplit (split.smi-spec.io v1alpha1-v1alpha4), as the SMI spec describes it and Linkerd's linkerd-smi
 * extension reads it: a root (apex) Service that clients address, split by weight between backend Services in the
 * TrafficSplit's own namespace. v1alpha1 weights are Kubernetes quantities (`500m`, `1`); later versions integers.
 */
import { parseQuantity, sign } from "../base/quantity.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type FieldPath, type Json, type Resource, asArray, asNumber, asObject, asString, spec } from "../model/resource.js";
import { type ServiceView, serviceNamed } from "../model/services.js";

export interface SplitBackend {
  readonly service: string;
  readonly weight: Json | undefined;
  readonly path: FieldPath;
}

export interface TrafficSplit {
  readonly resource: Resource;
  /** The root (apex) Service. */
  readonly service: string | undefined;
  readonly backends: readonly SplitBackend[];
}

export function trafficSplitOf(ts: Resource): TrafficSplit {
  const backends = asArray(spec(ts).backends).flatMap((b, i) => {
    const backend = asObject(b);
    const service = asString(backend?.service);
    return backend && service ? [{ service, weight: backend.weight, path: ["spec", "backends", i] as FieldPath }] : [];
  });
  return { resource: ts, service: asString(spec(ts).service), backends };
}

/**
 * The sign of a backend's weight (1, 0, -1), or a reason it is not a weight: v1alpha1 takes a quantity (an integer
 * or a string such as `500m`); later versions take a non-negative integer. A missing weight is the schema's business.
 */
export function weightSign(ts: Resource, weight: Json | undefined): number | { problem: string } | undefined {
  if (weight === undefined || weight === null) return undefined;
  if (ts.version === "v1alpha1") {
    if (typeof weight === "number") return Number.isInteger(weight) ? Math.sign(weight) : { problem: "a quantity must be an integer or a string such as \"500m\"" };
    if (typeof weight !== "string") return undefined;
    try {
      return sign(parseQuantity(weight));
    } catch {
      return { problem: 'it is not a Kubernetes quantity (such as "1", "500m" or "250m")' };
    }
  }
  const n = asNumber(weight);
  if (n === undefined) return undefined;
  return Number.isInteger(n) ? Math.sign(n) : { problem: "weights are whole numbers in this version" };
}

/** The Service a TrafficSplit names, in the TrafficSplit's namespace. */
/**
 * The Service a TrafficSplit names: a Service of its namespace, or one written as a host, `name.namespace` or
 * `name.namespace.svc.<cluster domain>` (Open Service Mesh's own demos write the root service so).
 */
export function splitService(index: ResourceIndex, ts: Resource, name: string): ServiceView | undefined {
  const own = serviceNamed(index, ts.namespace, name);
  if (own || !name.includes(".")) return own;
  const [service, namespace, svc, ...domain] = name.split(".");
  if (!service || !namespace || (svc !== undefined && (svc !== "svc" || (domain.length > 0 && domain.join(".") !== index.settings.clusterDomain)))) return undefined;
  return serviceNamed(index, namespace, service);
}

/**
 * Whether a backend selects the same application as the root: the same `app` (or `app.kubernetes.io/name`) label,
 * or the root's selector contained in the backend's (the root selects every version, a backend one of them).
 */
export function sameApplication(root: Readonly<Record<string, string>>, backend: Readonly<Record<string, string>>): boolean {
  for (const key of ["app", "app.kubernetes.io/name"]) {
    if (root[key] !== undefined && root[key] === backend[key]) return true;
  }
  const entries = Object.entries(root);
  return entries.length > 0 && entries.every(([k, v]) => backend[k] === v);
}
