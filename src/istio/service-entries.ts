import { K } from "../model/kinds.js";
import { type FieldPath, type Resource, asArray, asNumber, asObject, asString, spec } from "../model/resource.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type ExportScope, intersectScopes, scopesOverlap, serviceScope } from "./export-to.js";
import { importedSomewhere } from "./sidecar-imports.js";

/** One port of one host of a ServiceEntry. */
export interface ServiceEntryPort {
  readonly resource: Resource;
  readonly host: string;
  readonly number: number;
  /** Upper-cased; "" when the port names none. */
  readonly protocol: string;
  readonly path: FieldPath;
  readonly scope: ExportScope;
}

/** A ServiceEntry port that other ServiceEntries also declare for the same host and port number where both are visible. */
export interface PortClash {
  readonly port: ServiceEntryPort;
  readonly others: readonly ServiceEntryPort[];
  /** True when the ServiceEntries involved give the port different protocols. */
  readonly protocolsDiffer: boolean;
}

/**
 * Ports declared by several ServiceEntries for one host and port number, where the ServiceEntries are visible
 * together (overlapping exportTo) and the host is imported there (Sidecar egress hosts). Built once per run.
 */
export function serviceEntryPortClashes(index: ResourceIndex): readonly PortClash[] {
  return index.memo("istio/serviceentry-port-clashes", [K.ServiceEntry, K.Sidecar], () => {
    const byKey = new Map<string, ServiceEntryPort[]>();
    for (const se of index.all(K.ServiceEntry)) {
      const scope = serviceScope(se, index.settings);
      const hosts = asArray(spec(se).hosts).filter((h): h is string => typeof h === "string" && h !== "");
      asArray(spec(se).ports).forEach((p, i) => {
        const number = asNumber(asObject(p)?.number);
        if (number === undefined) return;
        const protocol = (asString(asObject(p)?.protocol) ?? "").toUpperCase();
        for (const h of new Set(hosts.map((x) => x.toLowerCase()))) {
          const key = `${h}:${number}`;
          const entry = { resource: se, host: h, number, protocol, path: ["spec", "ports", i], scope };
          const list = byKey.get(key);
          if (list) list.push(entry);
          else byKey.set(key, [entry]);
        }
      });
    }
    const out: PortClash[] = [];
    for (const group of byKey.values()) {
      if (new Set(group.map((g) => g.resource)).size < 2) continue;
      for (const port of group) {
        const others = group.filter((o) => {
          if (o.resource === port.resource || !scopesOverlap(port.scope, o.scope)) return false;
          const shared = intersectScopes(port.scope, o.scope);
          return (
            importedSomewhere(index, shared, port.resource.namespace, port.host) && importedSomewhere(index, shared, o.resource.namespace, o.host)
          );
        });
        if (others.length === 0) continue;
        const protocols = new Set([port, ...others].map((o) => o.protocol));
        out.push({ port, others, protocolsDiffer: protocols.size > 1 });
      }
    }
    return out;
  });
}
