import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { NETWORK_MESSAGES, networkIssues } from "../../src/linkerd/policy-validation.js";
import { asArray, asObject, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-serverauthorization-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A ServerAuthorization combines client settings Linkerd's webhook denies, or lists networks with bad CIDRs or excepts.",
    messages: {
      meshTLSUnauthenticated: "client sets both meshTLS and unauthenticated: true; a client is either authenticated by mesh TLS or not.",
      unauthenticatedTLSWithIdentities: "client.meshTLS.unauthenticatedTLS is true, so it cannot also list {{field}}.",
      cidrInvalid: NETWORK_MESSAGES.cidrInvalid,
      exceptInvalid: NETWORK_MESSAGES.exceptInvalid,
      exceptOutside: NETWORK_MESSAGES.exceptOutside,
      exceptCoversAll: NETWORK_MESSAGES.exceptCoversAll,
    },
  },
  target: [K.LinkerdServerAuthorization],
  reads: [],
  check(authz, ctx) {
    const client = asObject(spec(authz).client);
    if (!client) return;
    const meshTLS = asObject(client.meshTLS);
    if (meshTLS && client.unauthenticated === true) {
      ctx.report({ resource: authz, path: ["spec", "client", "unauthenticated"], messageId: "meshTLSUnauthenticated", help: "Remove unauthenticated, or remove meshTLS to allow unauthenticated clients." });
    }
    if (meshTLS?.unauthenticatedTLS === true) {
      for (const field of ["identities", "serviceAccounts"]) {
        if (asArray(meshTLS[field]).length === 0) continue;
        ctx.report({ resource: authz, path: ["spec", "client", "meshTLS", field], messageId: "unauthenticatedTLSWithIdentities", data: { field }, help: "Drop unauthenticatedTLS to require these identities, or drop the list." });
      }
    }
    for (const issue of networkIssues(client.networks, ["spec", "client", "networks"])) {
      if (issue.messageId === "networksEmpty") continue;
      ctx.report({ resource: authz, path: issue.path, messageId: issue.messageId, data: issue.data, help: "Write each network as a CIDR, with excepts that are strictly smaller networks inside it." });
    }
  },
});
