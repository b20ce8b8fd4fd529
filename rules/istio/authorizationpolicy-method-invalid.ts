import { defineRule } from "../../src/engine/rule.js";
import { HTTP_METHODS, parsePolicy } from "../../src/istio/authz.js";
import { K } from "../../src/model/kinds.js";

/** An HTTP verb, `*`, or a prefix (`GE*`) or suffix (`*ET`) pattern that some verb matches. */
function isMethodPattern(value: string): boolean {
  const v = value.trim();
  if (v === "*") return true;
  if (v.endsWith("*") && !v.startsWith("*")) return HTTP_METHODS.some((m) => m.startsWith(v.slice(0, -1)));
  if (v.startsWith("*") && !v.endsWith("*")) return HTTP_METHODS.some((m) => m.endsWith(v.slice(1)));
  return (HTTP_METHODS as readonly string[]).includes(v);
}

export default defineRule({
  meta: {
    id: "authorizationpolicy-method-invalid",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An AuthorizationPolicy operation lists a method that is not an HTTP method, so it never matches.",
    aliases: [{ tool: "kiali", code: "KIA0102", match: "same" }],
    messages: {
      notHttpMethod: 'Method "{{method}}" is not an HTTP method ({{methods}}), so it matches no request.',
      grpcMethod: '"{{method}}" is a gRPC method name, which "{{field}}" never matches: gRPC requests are all POST.',
    },
  },
  target: [K.AuthorizationPolicy],
  reads: [],
  check(policy, ctx) {
    for (const rule of parsePolicy(policy).rules ?? []) {
      for (const op of rule.to ?? []) {
        for (const field of ["methods", "notMethods"] as const) {
          (op.fields[field] ?? []).forEach((method, k) => {
            if (isMethodPattern(method)) return;
            const grpc = method.includes("/");
            ctx.report({
              resource: policy,
              path: [...op.path, field, k],
              messageId: grpc ? "grpcMethod" : "notHttpMethod",
              data: { method, field, methods: HTTP_METHODS.join(", ") },
              help: grpc ? `Match gRPC methods with "paths", e.g. paths: ["/${method.replace(/^\//, "")}"].` : "Use an upper-case HTTP method such as GET or POST.",
            });
          });
        }
      }
    }
  },
});
