import { defineRule } from "../../src/engine/rule.js";
import { parsePolicy } from "../../src/istio/authz.js";
import { K } from "../../src/model/kinds.js";

/**
 * A request's path (HTTP `:path`, gRPC `/package.Service/Method`) always starts with "/". A value that starts with
 * neither "/" nor "*" (Istio's suffix and presence forms) can therefore never equal or prefix one.
 */
const neverAPath = (value: string): boolean => value !== "" && !value.startsWith("/") && !value.startsWith("*");

export default defineRule({
  meta: {
    id: "authorizationpolicy-path-invalid",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An AuthorizationPolicy operation lists a path that does not start with \"/\", so it matches no request.",
    messages: {
      pathNeverMatches: 'Path "{{path}}" does not start with "/", so it matches no request (request paths always do).',
      notPathExcludesNothing: 'notPaths value "{{path}}" does not start with "/", so it excludes no request (request paths always start with "/").',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [],
  check(policy, ctx) {
    for (const rule of parsePolicy(policy).rules ?? []) {
      for (const op of rule.to ?? []) {
        for (const field of ["paths", "notPaths"] as const) {
          (op.fields[field] ?? []).forEach((path, k) => {
            if (!neverAPath(path)) return;
            ctx.report({
              resource: policy,
              path: [...op.path, field, k],
              messageId: field === "paths" ? "pathNeverMatches" : "notPathExcludesNothing",
              data: { path },
              help: `Write the path as the request carries it: "/${path}".`,
            });
          });
        }
      }
    }
  },
});
