import { K } from "../model/kinds.js";
import type { ResourceIndex } from "../model/resource-index.js";
import { type FieldPath, type Resource, asObject, asString, spec } from "../model/resource.js";
import { matches, selectorFromLabelSelector } from "../model/selectors.js";
import { namespaceLabels } from "./listeners.js";
import { GATEWAY_GROUP } from "./references.js";

/** A ListenerSet's `spec.parentRef`, with the API's defaults (group gateway.networking.k8s.io, kind Gateway, own namespace). */
export interface ListenerSetParent {
  readonly group: string;
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly path: FieldPath;
}

export function listenerSetParent(listenerSet: Resource): ListenerSetParent | undefined {
  const ref = asObject(spec(listenerSet).parentRef);
  const name = asString(ref?.name);
  if (!ref || !name) return undefined;
  return {
    group: asString(ref.group) ?? GATEWAY_GROUP,
    kind: asString(ref.kind) ?? "Gateway",
    name,
    namespace: asString(ref.namespace) || listenerSet.namespace,
    path: ["spec", "parentRef"],
  };
}

/** `spec.allowedListeners.namespaces.from` of a Gateway: `None` (the default), `Same`, `All` or `Selector`. */
export const allowedListenersFrom = (gateway: Resource): string =>
  asString(asObject(asObject(spec(gateway).allowedListeners)?.namespaces)?.from) ?? "None";

/**
 * Whether a Gateway accepts ListenerSets from a namespace (Gateway API's allowedListeners, as Istio reads it).
 * Undefined when a namespace selector cannot be judged because the repository does not declare the namespace.
 */
export function listenersAllowed(index: ResourceIndex, gateway: Resource, namespace: string): boolean | undefined {
  switch (allowedListenersFrom(gateway)) {
    case "All":
      return true;
    case "Same":
      return namespace === gateway.namespace;
    case "Selector": {
      const selector = asObject(asObject(spec(gateway).allowedListeners)?.namespaces)?.selector;
      if (selector === undefined) return false;
      const { labels, complete } = namespaceLabels(index, namespace);
      return matches(selectorFromLabelSelector(selector), labels) ? true : complete ? false : undefined;
    }
    default:
      return false;
  }
}

/** Controllers of Istio GatewayClasses that do not take ListenerSets (waypoints, remote and east-west gateways). */
const NO_LISTENER_SETS = new Set(["istio.io/mesh-controller", "istio.io/unmanaged-gateway", "istio.io/eastwest-controller", "istio.io/agentgateway-waypoint-controller"]);

/** The GatewayClass of a Gateway when its controller is known not to support ListenerSets. */
export function classWithoutListenerSets(index: ResourceIndex, gateway: Resource): Resource | undefined {
  const name = asString(spec(gateway).gatewayClassName);
  const gatewayClass = name ? index.get(K.GatewayClass, "", name) : undefined;
  const controller = gatewayClass && asString(spec(gatewayClass).controllerName);
  return controller && NO_LISTENER_SETS.has(controller) ? gatewayClass : undefined;
}
