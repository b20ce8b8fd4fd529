import { defineRule, reportProblems } from "../../src/engine/rule.js";
import { validateHttpRoutes } from "../../src/validation/virtual-service.js";
import { pick, webhookAliases } from "../../src/validation/common.js";
import { K } from "../../src/model/kinds.js";

const messages = {
  actionMissing: 'An HTTP route needs a "route", a "redirect" or a "directResponse".',
  actionConflict: '"{{field}}" cannot be combined with "{{other}}" in one HTTP route.',
  delegateConflict: 'An HTTP route with "delegate" may not also set "{{field}}".',
  delegateNested: 'A delegate VirtualService (one without "hosts") may not delegate again.',
  percentRange: '"{{field}}" is {{value}}; Istio requires {{expected}}.',
  mirrorPercentDeprecated: '"{{field}}" is deprecated; use "mirrorPercentage".',
  faultEmpty: 'Fault injection needs an "abort" and/or a "delay".',
  statusRange: '"{{field}}" is {{value}}; Istio requires an HTTP status from 200 to 600.',
  grpcStatusUnknown: '"abort.grpcStatus" is "{{value}}", which is not a gRPC status name such as "NOT_FOUND" or "UNAVAILABLE".',
  notSupported: '"{{field}}" is not supported by Istio yet.',
  abortWithoutType: 'The fault "abort" sets no error type ("httpStatus" or "grpcStatus").',
  redirectEmpty: 'A redirect must set at least one of "uri", "authority", "scheme" or "port".',
  redirectCode: '"redirectCode" is {{value}}; Istio requires a 3xx code.',
  redirectScheme: 'Redirect scheme "{{value}}" is neither "http" nor "https".',
  rewriteEmpty: 'A rewrite must set "uri", "uriRegexRewrite" or "authority".',
  regexRewriteIncomplete: '"uriRegexRewrite" needs both a "match" and a "rewrite".',
  bodyTooLarge: 'The direct response body is {{size}} bytes; Istio refuses bodies over 1 MB.',
  bodyLarge: 'The direct response body is {{size}} bytes; bodies over 100 KB may slow down the control plane.',
  retryAttempts: '"retries.attempts" is {{value}}; it cannot be negative.',
  retryDisabled: 'Retries are disabled ("attempts" is 0 or unset) but "{{field}}" is set; Istio refuses this.',
  retryOnUnknown: '"retryOn" lists "{{value}}", which is neither an Envoy retry condition nor an HTTP status code.',
  corsOriginEmpty: 'A CORS "allowOrigins" entry needs a non-empty "exact", "prefix" or "regex".',
  corsMethod: 'CORS method "{{value}}" is not a standard HTTP method.',
  corsHeader: 'CORS "{{field}}" entry "{{value}}" is neither "*" nor a valid header name.',
  corsMaxAgeSeconds: 'CORS "maxAge" is "{{value}}"; Istio only accepts whole seconds here.',
  ...pick("regexInvalid", "regexTooLong", "durationPrecision", "portRange"),
};

export default defineRule({
  meta: {
    id: "virtualservice-route-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "An HTTP route breaks Istio's webhook validation: actions, mirrors, fault, redirect, rewrite, direct response, retries, CORS, durations.",
    aliases: webhookAliases(messages, ["mirrorPercentDeprecated", "abortWithoutType", "bodyLarge"]),
    messages,
  },
  target: [K.VirtualService],
  reads: [],
  check(vs, ctx) {
    reportProblems(ctx, vs, validateHttpRoutes(vs));
  },
});
