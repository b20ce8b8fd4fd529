import { defineRule } from "../../src/engine/rule.js";
import { allowedListenersFrom, classWithoutListenerSets, listenerSetParent, listenersAllowed } from "../../src/gateway-api/listener-sets.js";
import { GATEWAY_GROUP, ListenerSet } from "../../src/gateway-api/references.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "listenerset-attachment-invalid",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description: "A ListenerSet's parent Gateway does not accept it: its allowedListeners (none by default) leave the ListenerSet's namespace out, or its class takes no ListenerSets.",
    messages: {
      notAllowed: 'Gateway "{{gateway}}" does not accept ListenerSets from namespace "{{namespace}}" (allowedListeners.namespaces.from: {{from}}).',
      classUnsupported: 'Gateway "{{gateway}}" is of GatewayClass "{{gatewayClass}}", whose controller does not support ListenerSets.',
    },
  },
  target: [ListenerSet],
  reads: [K.KubernetesGateway, K.GatewayClass, K.Namespace],
  check(listenerSet, ctx) {
    const parent = listenerSetParent(listenerSet);
    if (!parent || parent.group !== GATEWAY_GROUP || parent.kind !== "Gateway") return;
    const gateways = ctx.index.definitions(K.KubernetesGateway, parent.namespace, parent.name);
    const gateway = gateways[0];
    if (!gateway) return;
    const data = { gateway: `${parent.namespace}/${parent.name}`, namespace: listenerSet.namespace };
    const related = (path: readonly string[], message: string) => [{ resource: gateway as Resource, path, message }];
    const gatewayClass = classWithoutListenerSets(ctx.index, gateway);
    if (gatewayClass) {
      ctx.report({
        resource: listenerSet,
        path: [...parent.path, "name"],
        messageId: "classUnsupported",
        data: { ...data, gatewayClass: gatewayClass.name },
        help: "Attach the ListenerSet to a Gateway of a class that supports ListenerSets, or move its listeners into the Gateway.",
        related: related(["spec", "gatewayClassName"], "the Gateway's class"),
      });
      return;
    }
    // Rejected only when every definition of the Gateway (duplicates are their own finding) rejects it.
    if (!gateways.every((g) => listenersAllowed(ctx.index, g, listenerSet.namespace) === false)) return;
    const from = allowedListenersFrom(gateway);
    ctx.report({
      resource: listenerSet,
      path: [...parent.path, "name"],
      messageId: "notAllowed",
      data: { ...data, from },
      help:
        from === "None"
          ? 'Let the Gateway accept ListenerSets: set spec.allowedListeners.namespaces.from ("Same", "All" or "Selector").'
          : "Widen the Gateway's allowedListeners.namespaces to admit this namespace, or move the ListenerSet.",
      related: related(["spec"], "the parent Gateway"),
    });
  },
});
