import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { NETWORK_MESSAGES, networkIssues } from "../../src/linkerd/policy-validation.js";
import { spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-networkauthentication-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "A NetworkAuthentication has no networks, a network that is not a CIDR, or an except that is outside its cidr or covers all of it.",
    messages: NETWORK_MESSAGES,
  },
  target: [K.NetworkAuthentication],
  reads: [],
  check(authn, ctx) {
    for (const issue of networkIssues(spec(authn).networks, ["spec", "networks"])) {
      ctx.report({ resource: authn, path: issue.path, messageId: issue.messageId, data: issue.data, help: "Write each network as a CIDR, with excepts that are strictly smaller networks inside it." });
    }
  },
});
