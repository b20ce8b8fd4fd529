import { hostsIntersect } from "../model/hostnames.js";
import { isAssumed } from "../model/installation.js";
import type { KindKey } from "../model/kinds.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type FieldPath, type Resource, asArray, asNumber, asObject, asString, labelsOf, spec } from "../model/resource.js";
import { type Selector, matches, selectorFromLabelSelector } from "../model/selectors.js";
import { GATEWAY_GROUP, HOSTNAME_ROUTE_KINDS, type ParentRef } from "./references.js";

/** One listener of a Gateway or a ListenerSet. */
export interface Listener {
  readonly name: string | undefined;
  readonly port: number | undefined;
  /** As written (Gateway API protocols are upper case: HTTP, HTTPS, TLS, TCP, UDP). */
  readonly protocol: string | undefined;
  /** Lower-cased. */
  readonly hostname: string | undefined;
  /** `allowedRoutes.namespaces.from`, default `Same`. */
  readonly from: string;
  readonly selector: Selector | undefined;
  /** `allowedRoutes.kinds`; undefined when not written (the protocol decides). */
  readonly kinds: readonly KindKey[] | undefined;
  readonly path: FieldPath;
}

export function listenersOf(owner: Resource): Listener[] {
  return asArray(spec(owner).listeners).flatMap((value, i) => {
    const l = asObject(value);
    if (!l) return [];
    const allowed = asObject(l.allowedRoutes);
    const namespaces = asObject(allowed?.namespaces);
    const kinds = Array.isArray(allowed?.kinds)
      ? asArray(allowed.kinds).flatMap((k) => {
          const o = asObject(k);
          const kind = asString(o?.kind);
          return kind ? [{ group: asString(o?.group) ?? GATEWAY_GROUP, kind }] : [];
        })
      : undefined;
    const from = asString(namespaces?.from) ?? "Same";
    return [
      {
        name: asString(l.name),
        port: asNumber(l.port),
        protocol: asString(l.protocol),
        hostname: asString(l.hostname)?.toLowerCase(),
        from,
        selector: from === "Selector" && namespaces?.selector !== undefined ? selectorFromLabelSelector(namespaces.selector) : undefined,
        kinds: kinds && kinds.length > 0 ? kinds : undefined,
        path: ["spec", "listeners", i],
      },
    ];
  });
}

/** Route kinds a listener accepts when `allowedRoutes.kinds` is not written; undefined for implementation-specific protocols. */
function defaultKinds(protocol: string | undefined): readonly string[] | undefined {
  switch (protocol?.toUpperCase()) {
    case "HTTP":
    case "HTTPS":
      return ["HTTPRoute", "GRPCRoute"];
    case "TLS":
      return ["TLSRoute", "TCPRoute"];
    case "TCP":
      return ["TCPRoute"];
    case "UDP":
      return ["UDPRoute"];
    default:
      return undefined;
  }
}

const AUTO_LABEL = "kubernetes.io/metadata.name";

/**
 * A namespace's labels: those of its Namespace object when the repository declares it (plus the name label the API
 * server adds to every namespace), else only the name label, and `complete: false`.
 */
export function namespaceLabels(index: ResourceIndex, namespace: string): { labels: Record<string, string>; complete: boolean } {
  const declared = index.namespaces().declared(namespace);
  const auto = { [AUTO_LABEL]: namespace };
  if (!declared || isAssumed(declared)) return { labels: auto, complete: false };
  return { labels: { ...labelsOf(declared), ...auto }, complete: true };
}

/** Whether a listener admits routes from a namespace; undefined when the namespace's labels are not known. */
export function namespaceAllowed(index: ResourceIndex, listener: Listener, owner: Resource, routeNamespace: string): boolean | undefined {
  switch (listener.from) {
    case "All":
      return true;
    case "Same":
      return owner.namespace === routeNamespace;
    case "Selector": {
      if (!listener.selector) return undefined;
      const { labels, complete } = namespaceLabels(index, routeNamespace);
      return matches(listener.selector, labels) ? true : complete ? false : undefined;
    }
    default:
      return undefined;
  }
}

/** Whether a listener admits a route kind; undefined when its protocol is implementation-specific. */
export function kindAllowed(listener: Listener, route: KindKey): boolean | undefined {
  if (listener.kinds) return listener.kinds.some((k) => k.group === route.group && k.kind === route.kind);
  return defaultKinds(listener.protocol)?.includes(route.kind);
}

/** A route's hostnames, lower-cased (empty: all hostnames). */
export function routeHostnames(route: Resource): string[] {
  if (!HOSTNAME_ROUTE_KINDS.has(route.kind)) return [];
  return asArray(spec(route).hostnames).flatMap((h) => (typeof h === "string" && h ? [h.toLowerCase()] : []));
}

export function hostnameMatches(listener: Listener, hostnames: readonly string[]): boolean {
  if (!listener.hostname || hostnames.length === 0) return true;
  return hostnames.some((h) => hostsIntersect(h, listener.hostname as string));
}

/**
 * The listeners a parentRef selects by `sectionName` and `port`, or why it selects none. Undefined when the parent
 * has no listeners at all (the schema requires one; ListenerSets may add more at run time).
 */
export function selectListeners(ref: ParentRef, owner: Resource): Listener[] | "sectionNotFound" | "portNotFound" | undefined {
  const all = listenersOf(owner);
  if (all.length === 0) return undefined;
  const named = ref.sectionName === undefined ? all : all.filter((l) => l.name === ref.sectionName);
  if (named.length === 0) return "sectionNotFound";
  const onPort = ref.port === undefined ? named : named.filter((l) => l.port === ref.port);
  return onPort.length === 0 ? "portNotFound" : onPort;
}

/** Why none of the selected listeners admits a route. */
export type AdmissionProblem = "namespace" | "kind" | "hostname";

/**
 * Follows Gateway API attachment: a selected listener must admit the route's namespace (allowedRoutes.namespaces),
 * its kind (allowedRoutes.kinds, else the protocol's kinds) and intersect its hostnames. Anything unknown (namespace
 * labels, implementation-specific protocols) counts as admitted.
 */
export function admissionProblem(index: ResourceIndex, route: Resource, listeners: readonly Listener[], owner: Resource): AdmissionProblem | undefined {
  const byNamespace = listeners.filter((l) => namespaceAllowed(index, l, owner, route.namespace) !== false);
  if (byNamespace.length === 0) return "namespace";
  const byKind = byNamespace.filter((l) => kindAllowed(l, route) !== false);
  if (byKind.length === 0) return "kind";
  const hostnames = routeHostnames(route);
  if (!byKind.some((l) => hostnameMatches(l, hostnames))) return "hostname";
  return undefined;
}
