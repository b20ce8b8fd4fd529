import { defineRule } from "../../src/engine/rule.js";
import { hostMatchesPattern } from "../../src/model/hostnames.js";
import { isVisibleFrom, destinationRuleScope } from "../../src/istio/export-to.js";
import { qualified, topTlsMode, wideDestinationRules } from "../../src/istio/mtls.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asObject, asString, spec } from "../../src/model/resource.js";
import { HOST_KINDS, canonicalHost, namespaceOfFqdn } from "../../src/istio/hosts.js";

export default defineRule({
  meta: {
    id: "destinationrule-tls-missing",
    area: "istio",
    category: "security",
    severity: "warning",
    description: "A DestinationRule without TLS settings silently replaces a mesh- or namespace-wide ISTIO_MUTUAL DestinationRule for its host.",
    aliases: [{ tool: "kiali", code: "KIA0204", match: "same" }],
    messages: {
      overridesMtls: 'This DestinationRule sets no TLS, so for "{{host}}" it replaces the "ISTIO_MUTUAL" of DestinationRule "{{rule}}" ("{{pattern}}").',
    },
  },
  target: [K.DestinationRule],
  reads: HOST_KINDS,
  check(dr, ctx) {
    const { index } = ctx;
    const written = asString(spec(dr).host);
    if (!written) return;
    const policy = asObject(spec(dr).trafficPolicy);
    // TLS at top or port level keeps the author in charge (Kiali's criterion; subsets do not cover unrouted traffic).
    if (asObject(policy?.tls) || asArray(policy?.portLevelSettings).some((p) => asObject(asObject(p)?.tls))) return;
    const host = written.startsWith("*") ? written.toLowerCase() : canonicalHost(index, written, dr.namespace);
    const hostNamespace = namespaceOfFqdn(index, host);
    const root = index.settings.rootNamespace;
    // A wildcard ISTIO_MUTUAL rule this one hides: Istio takes the first DestinationRule found in the caller's
    // namespace, then the host's, then the root namespace, so one in any of those is shadowed here.
    const defaults = wideDestinationRules(index).filter((w) => topTlsMode(w) === "ISTIO_MUTUAL");
    const shadowed = defaults.find((w) => {
      const pattern = asString(spec(w).host) ?? "";
      if (w === dr) return false;
      if (!hostMatchesPattern(host, pattern) && !(host.startsWith("*") && host.endsWith(pattern.slice(1)))) return false;
      if (![dr.namespace, hostNamespace, root].includes(w.namespace)) return false;
      return w.namespace === dr.namespace || isVisibleFrom(destinationRuleScope(w, index.settings), dr.namespace);
    });
    if (!shadowed) return;
    ctx.report({
      resource: dr,
      path: ["spec", "trafficPolicy"],
      messageId: "overridesMtls",
      data: { host: written, rule: qualified(shadowed), pattern: asString(spec(shadowed).host) ?? "" },
      help: 'Add `tls: {mode: ISTIO_MUTUAL}` to its trafficPolicy (Istio does not merge DestinationRules for one host).',
      related: [{ resource: shadowed, path: ["spec", "trafficPolicy", "tls", "mode"], message: "ISTIO_MUTUAL for the mesh or namespace" }],
    });
  },
});
