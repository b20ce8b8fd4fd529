import { defineRule } from "../../src/engine/rule.js";
import {
  type ClientTls,
  MTLS_KINDS,
  callerText,
  conflictingClients,
  describeTarget,
  isMeshWideHost,
  isNamespaceWideHost,
  peerAuthMode,
  qualified,
  topTlsMode,
  wideDestinationRules,
} from "../../src/istio/mtls.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { asString, spec } from "../../src/model/resource.js";

const MODE = ["spec", "mtls", "mode"];

export default defineRule({
  meta: {
    id: "peerauthentication-tls-conflict",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A PeerAuthentication disables mTLS on servers that a DestinationRule still sends Istio mutual TLS to.",
    aliases: [
      { tool: "kiali", code: "KIA0506", match: "same", messageIds: ["meshDisabled"] },
      { tool: "kiali", code: "KIA0505", match: "same", messageIds: ["namespaceDisabled"] },
    ],
    messages: {
      meshDisabled: 'The mesh-wide policy disables mTLS while DestinationRule "{{rule}}" for "*.local" still sends "{{mode}}".',
      namespaceDisabled: 'mTLS is disabled for namespace "{{namespace}}" while DestinationRule "{{rule}}" for "{{host}}" still sends "{{mode}}".',
      mtlsToDisabled: '{{target}} accepts only plaintext ("DISABLE"), but DestinationRule "{{rule}}" makes clients in {{caller}} send it "ISTIO_MUTUAL".',
    },
  },
  target: [K.PeerAuthentication],
  reads: MTLS_KINDS.filter((k) => k !== K.PeerAuthentication),
  check(pa, ctx) {
    const { index } = ctx;
    const root = index.settings.rootNamespace;
    const wide = policyTarget(pa).kind === "namespace";
    const help = 'Give the DestinationRule TLS mode "DISABLE" for these servers (or drop its tls block so auto mTLS adapts), or enable mTLS here.';
    let coded = false;

    // Kiali's checks: a mesh- or namespace-wide DISABLE against `*.local` / `*.<ns>.svc.<domain>` DestinationRules.
    if (wide && peerAuthMode(pa) === "DISABLE") {
      const rules = wideDestinationRules(index);
      const mutual = (dr: (typeof rules)[number]) => topTlsMode(dr) === "ISTIO_MUTUAL" || topTlsMode(dr) === "MUTUAL";
      const meshWide = rules.find((dr) => isMeshWideHost(asString(spec(dr).host)) && mutual(dr));
      const own = rules.filter((dr) => dr.namespace === pa.namespace && isNamespaceWideHost(index, dr));
      const culprit =
        pa.namespace === root ? meshWide : (own.find(mutual) ?? (own.some((dr) => topTlsMode(dr) === "DISABLE") ? undefined : meshWide));
      if (culprit) {
        coded = true;
        ctx.report({
          resource: pa,
          path: MODE,
          messageId: pa.namespace === root ? "meshDisabled" : "namespaceDisabled",
          data: { rule: qualified(culprit), mode: topTlsMode(culprit) ?? "", namespace: pa.namespace, host: asString(spec(culprit).host) ?? "" },
          help,
          related: [{ resource: culprit, path: ["spec", "trafficPolicy", "tls", "mode"], message: `sends ${topTlsMode(culprit) ?? ""}` }],
        });
      }
    }

    // Every DISABLE port this policy decides, against the DestinationRule each caller namespace uses towards it.
    const mutual = (c: ClientTls) => c.mode === "ISTIO_MUTUAL" && c.rule !== undefined;
    for (const { decided, caller, client } of conflictingClients(index, pa, "DISABLE", mutual)) {
      if (coded && decided.mode.path.join(".") === MODE.join(".")) continue;
      if (!client.rule) continue;
      ctx.report({
        resource: pa,
        path: decided.mode.path,
        messageId: "mtlsToDisabled",
        data: { target: describeTarget(decided.target, decided.targetPort), rule: qualified(client.rule), caller: callerText(caller) },
        help,
        related: [{ resource: client.rule, ...(client.path ? { path: client.path } : {}), message: "sends ISTIO_MUTUAL" }],
      });
    }
  },
});
