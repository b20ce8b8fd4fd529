import { defineRule } from "../../src/engine/rule.js";
import { isHttpProtocol } from "../../src/istio/protocols.js";
import { ACCESS_KINDS, AccessError, decideAccess, parseSource, parseTarget } from "../../src/access/access.js";
import { accessAssertions, assertionResource } from "../../src/access/assertions.js";

export default defineRule({
  meta: {
    id: "access-assertion-failed",
    area: "core",
    category: "correctness",
    severity: "error",
    description: "An expected access decision of the config's `access:` list does not hold: the policies decide otherwise.",
    messages: {
      decidedOtherwise: 'Access assertion "{{name}}" expects {{expect}} for {{request}}, but this {{what}} decides {{actual}}.',
      undecided: 'Access assertion "{{name}}" expects {{expect}} for {{request}}, but no policy decides it and the default is {{actual}}.',
      unresolved: 'Access assertion "{{name}}" cannot be checked: {{reason}}.',
    },
  },
  reads: ACCESS_KINDS,
  checkAll(ctx) {
    for (const a of accessAssertions(ctx.config.access ?? [], ctx.config.file, ctx.cwd)) {
      const assertion = assertionResource(a);
      const name = assertion.name;
      let decision;
      try {
        decision = decideAccess(ctx.index, { from: parseSource(a.from), to: parseTarget(a.to), method: a.method, path: a.path, host: a.host });
      } catch (error) {
        if (!(error instanceof AccessError)) throw error;
        const path = error.part === "source" ? ["from"] : ["to"];
        ctx.report({ resource: assertion, path, messageId: "unresolved", data: { name, reason: error.message }, help: "Name a caller and a target the repository defines." });
        continue;
      }
      if (decision.decision === a.expect) continue;
      const http = decision.backends.some((b) => b.backend.protocol === "unknown" || isHttpProtocol(b.backend.protocol));
      const request = `${http ? `${a.method ?? "GET"} ${a.path ?? "/"}` : "a TCP connection"} from ${a.from} to ${a.to}`;
      const data = { name, expect: a.expect, actual: decision.decision, request };
      const related = [{ resource: assertion, path: ["expect"], message: `expects ${a.expect}` }];
      if (decision.decidedBy) {
        ctx.report({
          resource: decision.decidedBy.resource,
          path: decision.decidedBy.path,
          messageId: "decidedOtherwise",
          data: { ...data, what: `${decision.decidedBy.resource.kind} (${decision.decidedBy.what})` },
          help: decision.explanation,
          related,
        });
      } else {
        ctx.report({ resource: assertion, path: ["expect"], messageId: "undecided", data, help: decision.explanation });
      }
    }
  },
});
