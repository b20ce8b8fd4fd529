import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { serverAuthorizationServers } from "../../src/linkerd/authorization.js";
import { serversJudged } from "../../src/linkerd/evidence.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { describeSelector } from "../../src/model/selectors.js";

export default defineRule({
  meta: {
    id: "linkerd-serverauthorization-server-not-found",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A ServerAuthorization's server.name names no Server, or its server.selector (which selects Servers by label, not pods) matches none.",
    messages: {
      nameNotFound: 'Server "{{name}}" does not exist in namespace "{{namespace}}", so this authorization admits nothing.',
      selectorMatchesNone: 'The server.selector "{{selector}}" matches the labels of no Server in namespace "{{namespace}}"; it selects Servers, not pods.',
    },
  },
  target: [K.LinkerdServerAuthorization],
  reads: [K.LinkerdServer, ...WORKLOAD_KINDS],
  check(resource, ctx) {
    const { index } = ctx;
    const target = serverAuthorizationServers(index, resource);
    if (!target.by || target.servers.length || !serversJudged(index, resource.namespace)) return;
    const namespace = resource.namespace;
    if (target.by === "name") {
      ctx.report({ resource, path: target.path, messageId: "nameNotFound", data: { name: target.name ?? "", namespace }, help: "Name an existing Server, or create it." });
    } else {
      const selector = target.selector ? describeSelector(target.selector) : "";
      ctx.report({ resource, path: target.path, messageId: "selectorMatchesNone", severity: "warning", data: { selector, namespace }, help: "Label the Servers to authorize, or select them by name." });
    }
  },
});
