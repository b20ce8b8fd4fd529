import { type FieldPath, type JsonObject, type Resource, asArray, asNumber, asObject, asString, spec } from "../model/resource.js";

export type RouteSection = "http" | "tcp" | "tls";

/** One place a VirtualService sends traffic: a weighted route destination or a mirror. */
export interface RouteDestination {
  readonly host: string;
  readonly subset: string | undefined;
  readonly port: number | undefined;
  readonly section: RouteSection;
  readonly kind: "route" | "mirror";
  /** Path to the `destination` object. */
  readonly path: FieldPath;
  /**
   * A route destination written with `weight: 0` beside one with weight: it receives no traffic. (A lone destination
   * takes all the traffic whatever its weight.)
   */
  readonly idle: boolean;
}

/** The weighted destinations of one route (`http[i].route`, `tcp[i].route`, `tls[i].route`). */
export interface RouteGroup {
  readonly section: RouteSection;
  /** Path to the route list. */
  readonly path: FieldPath;
  readonly items: readonly { readonly weight: number | undefined; readonly path: FieldPath; readonly destination: JsonObject | undefined }[];
}

const SECTIONS: readonly RouteSection[] = ["http", "tcp", "tls"];

export function routeGroups(vs: Resource): RouteGroup[] {
  const out: RouteGroup[] = [];
  const s = spec(vs);
  for (const section of SECTIONS) {
    asArray(s[section]).forEach((rule, i) => {
      const route = asObject(rule)?.route;
      if (!Array.isArray(route)) return;
      const path = ["spec", section, i, "route"];
      out.push({
        section,
        path,
        items: asArray(route).map((r, j) => ({
          weight: asNumber(asObject(r)?.weight),
          path: [...path, j],
          destination: asObject(asObject(r)?.destination),
        })),
      });
    });
  }
  return out;
}

export function routeDestinations(vs: Resource): RouteDestination[] {
  const out: RouteDestination[] = [];
  const add = (value: unknown, section: RouteSection, kind: RouteDestination["kind"], path: FieldPath, idle = false) => {
    const d = asObject(value);
    const host = asString(d?.host);
    if (!d || !host) return;
    out.push({ host, subset: asString(d.subset), port: asNumber(asObject(d.port)?.number), section, kind, path, idle });
  };
  for (const group of routeGroups(vs)) {
    const weighted = group.items.some((item) => (item.weight ?? 0) > 0);
    for (const item of group.items) add(item.destination, group.section, "route", [...item.path, "destination"], weighted && item.weight === 0);
  }
  asArray(spec(vs).http).forEach((rule, i) => {
    const r = asObject(rule);
    if (!r) return;
    add(r.mirror, "http", "mirror", ["spec", "http", i, "mirror"]);
    asArray(r.mirrors).forEach((m, j) => add(asObject(m)?.destination, "http", "mirror", ["spec", "http", i, "mirrors", j, "destination"]));
  });
  return out;
}
