import { type FieldPath, type Resource, asArray, asObject, spec } from "../model/resource.js";

export const MESH_GATEWAY = "mesh";

export interface GatewayReference {
  /** As written. */
  readonly written: string;
  readonly namespace: string;
  readonly name: string;
  readonly path: FieldPath;
}

/**
 * Reads a VirtualService gateway entry: `ns/name`, a bare `name` in the VirtualService's namespace, or the
 * legacy `name.ns.svc.cluster.local` form. `mesh` is not a gateway reference.
 */
export function parseGatewayReference(written: string, namespace: string): { namespace: string; name: string } | undefined {
  if (written === MESH_GATEWAY || !written) return undefined;
  const slash = written.indexOf("/");
  if (slash >= 0) return { namespace: written.slice(0, slash) || namespace, name: written.slice(slash + 1) };
  const dot = written.indexOf(".");
  if (dot >= 0) {
    const [name, ns] = written.split(".");
    return { namespace: ns || namespace, name: name ?? written };
  }
  return { namespace, name: written };
}

/** Every gateway a VirtualService names: `spec.gateways` and each route match's `gateways`. */
export function gatewayReferences(vs: Resource): GatewayReference[] {
  const out: GatewayReference[] = [];
  const add = (value: unknown, path: FieldPath) => {
    if (typeof value !== "string") return;
    const ref = parseGatewayReference(value, vs.namespace);
    if (ref) out.push({ written: value, ...ref, path });
  };
  const s = spec(vs);
  asArray(s.gateways).forEach((g, i) => add(g, ["spec", "gateways", i]));
  for (const section of ["http", "tcp", "tls"] as const) {
    asArray(s[section]).forEach((rule, i) =>
      asArray(asObject(rule)?.match).forEach((m, j) =>
        asArray(asObject(m)?.gateways).forEach((g, k) => add(g, ["spec", section, i, "match", j, "gateways", k])),
      ),
    );
  }
  return out;
}

/** A VirtualService without `gateways` applies to the mesh (sidecars); one that lists gateways must list `mesh` to. */
export function isMeshBound(vs: Resource): boolean {
  const gateways = asArray(spec(vs).gateways);
  return gateways.length === 0 || gateways.includes(MESH_GATEWAY);
}

/**
 * Every string a VirtualService writes where it names gateways (`spec.gateways` and route matches' `gateways`),
 * as written, including `mesh` and empty names, each with its path and whether it is a top-level entry.
 */
export function gatewayEntries(vs: Resource): { readonly written: string; readonly path: FieldPath; readonly topLevel: boolean }[] {
  const out: { written: string; path: FieldPath; topLevel: boolean }[] = [];
  const s = spec(vs);
  asArray(s.gateways).forEach((g, i) => {
    if (typeof g === "string") out.push({ written: g, path: ["spec", "gateways", i], topLevel: true });
  });
  for (const section of ["http", "tcp", "tls"] as const) {
    asArray(s[section]).forEach((rule, i) =>
      asArray(asObject(rule)?.match).forEach((m, j) =>
        asArray(asObject(m)?.gateways).forEach((g, k) => {
          if (typeof g === "string") out.push({ written: g, path: ["spec", section, i, "match", j, "gateways", k], topLevel: false });
        }),
      ),
    );
  }
  return out;
}
