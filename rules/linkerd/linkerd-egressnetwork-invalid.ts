import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { NETWORK_MESSAGES, networkIssues } from "../../src/linkerd/policy-validation.js";
import { spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "linkerd-egressnetwork-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description: "An EgressNetwork lists an empty networks list, a network that is not a CIDR, or an except outside its cidr or covering all of it.",
    messages: NETWORK_MESSAGES,
  },
  target: [K.EgressNetwork],
  reads: [],
  check(egress, ctx) {
    for (const issue of networkIssues(spec(egress).networks, ["spec", "networks"])) {
      ctx.report({
        resource: egress,
        path: issue.path,
        messageId: issue.messageId,
        data: issue.data,
        help: issue.messageId === "networksEmpty" ? "Remove networks to match every address outside the cluster networks, or list some." : "Write each network as a CIDR, with excepts that are strictly smaller networks inside it.",
      });
    }
  },
});
