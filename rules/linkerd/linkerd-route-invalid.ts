import { defineRule } from "../../src/engine/rule.js";
import { routeIssues } from "../../src/linkerd/route-validation.js";
import { LINKERD_ROUTE_KINDS, linkerdGoverns, webhookSeverity } from "../../src/linkerd/routes.js";

const HELP = {
  pathNotAbsolute: 'Start Exact and PathPrefix values with "/".',
  regexInvalid: "Fix the regular expression (Linkerd compiles it with Rust's regex crate, RE2 syntax).",
  headerValueInvalid: "Use visible ASCII characters only (and tabs).",
  redirectPathMissing: "Set the field that matches the path modifier's type.",
  redirectPathNotAbsolute: 'Start the replacement path with "/".',
  timeoutNegative: 'Use a positive duration (or "0s" for none).',
  timeoutBackendExceeds: "Make backendRequest at most request: each backend attempt happens within the whole request.",
  grpcMethodRegex: "Match the gRPC method with type Exact (service and method names).",
  ruleCount: "Split the rules into one route each.",
} as const;

export default defineRule({
  meta: {
    id: "linkerd-route-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "error",
    description:
      "A route Linkerd serves has a value its webhook refuses: a relative path, a bad regex or header value, a redirect path, timeouts, a GRPCRoute method regex, several TLS/TCP rules.",
    messages: {
      pathNotAbsolute: 'Path "{{value}}" does not start with "/".',
      regexInvalid: 'Regular expression "{{value}}" does not compile: {{reason}}.',
      headerValueInvalid: 'Header value "{{value}}" is not a valid HTTP header value: {{reason}}.',
      redirectPathMissing: "requestRedirect path type {{type}} needs {{key}}.",
      redirectPathNotAbsolute: 'Redirect path "{{value}}" does not start with "/".',
      timeoutNegative: 'timeouts.{{field}} "{{value}}" is negative.',
      timeoutBackendExceeds: 'timeouts.backendRequest "{{backend}}" is longer than timeouts.request "{{request}}".',
      grpcMethodRegex: "Linkerd does not support RegularExpression gRPC method matches.",
      ruleCount: "{{kind}} has {{count}} rules; Linkerd supports exactly one.",
    },
  },
  target: LINKERD_ROUTE_KINDS,
  reads: [],
  check(route, ctx) {
    if (!linkerdGoverns(ctx.index, route)) return;
    const severity = webhookSeverity(route);
    for (const issue of routeIssues(route)) {
      ctx.report({ resource: route, path: issue.path, messageId: issue.messageId, ...(issue.data ? { data: issue.data } : {}), severity, help: HELP[issue.messageId] });
    }
  },
});
