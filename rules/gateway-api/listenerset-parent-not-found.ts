import { defineRule } from "../../src/engine/rule.js";
import { listenerSetParent } from "../../src/gateway-api/listener-sets.js";
import { GATEWAY_GROUP, ListenerSet } from "../../src/gateway-api/references.js";
import { holdsKindIn } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";

export default defineRule({
  meta: {
    id: "listenerset-parent-not-found",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description: "A ListenerSet's parentRef names a Gateway that does not exist, or something other than a Gateway.",
    messages: {
      gatewayNotFound: 'Gateway "{{name}}" does not exist in namespace "{{namespace}}", so the listeners of this ListenerSet attach nowhere.',
      notGateway: 'The parentRef names {{kind}} "{{name}}" of group "{{group}}"; a ListenerSet attaches only to a Gateway.',
    },
  },
  target: [ListenerSet],
  reads: [K.KubernetesGateway],
  check(listenerSet, ctx) {
    const parent = listenerSetParent(listenerSet);
    if (!parent) return;
    if (parent.group !== GATEWAY_GROUP || parent.kind !== "Gateway") {
      ctx.report({ resource: listenerSet, path: [...parent.path, parent.group !== GATEWAY_GROUP ? "group" : "kind"], messageId: "notGateway", data: { kind: parent.kind, name: parent.name, group: parent.group }, help: "Name a Gateway in parentRef." });
      return;
    }
    if (ctx.index.definitions(K.KubernetesGateway, parent.namespace, parent.name).length) return;
    // Certain when the repository holds that namespace's Gateways; the Gateway may be applied from elsewhere otherwise.
    const certain = holdsKindIn(ctx.index, K.KubernetesGateway, parent.namespace);
    ctx.report({
      resource: listenerSet,
      path: [...parent.path, "name"],
      messageId: "gatewayNotFound",
      data: { name: parent.name, namespace: parent.namespace },
      help: parent.namespace === listenerSet.namespace ? "Fix the name, or set parentRef.namespace when the Gateway lives in another namespace." : "Fix the name or the namespace of the Gateway.",
      ...(certain ? {} : { severity: "warning" as const }),
    });
  },
});
