import { defineRule } from "../../src/engine/rule.js";
import {
  MTLS_KINDS,
  autoMtlsEnabled,
  callerText,
  conflictingClients,
  describeTarget,
  isMeshWideHost,
  isNamespaceWideHost,
  peerAuthMode,
  topTlsMode,
  wideDestinationRules,
} from "../../src/istio/mtls.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { asString, spec } from "../../src/model/resource.js";

const MODE = ["spec", "mtls", "mode"];

export default defineRule({
  meta: {
    id: "peerauthentication-client-mtls-missing",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "With auto mTLS off, a STRICT PeerAuthentication has clients that no DestinationRule tells to send Istio mutual TLS.",
    aliases: [
      { tool: "kiali", code: "KIA0401", match: "same", messageIds: ["meshStrict"] },
      { tool: "kiali", code: "KIA0501", match: "same", messageIds: ["namespaceStrict"] },
    ],
    messages: {
      meshStrict: 'The mesh-wide policy requires mutual TLS (STRICT), but auto mTLS is off and no DestinationRule for "*.local" sets "ISTIO_MUTUAL".',
      namespaceStrict: 'Namespace "{{namespace}}" requires mutual TLS (STRICT), but auto mTLS is off and no DestinationRule for "*.local" or "{{host}}" sets "ISTIO_MUTUAL".',
      strictPlaintext: '{{target}} requires mutual TLS (STRICT), but auto mTLS is off and clients in {{caller}} get no "ISTIO_MUTUAL" from a DestinationRule: they send plaintext.',
    },
  },
  target: [K.PeerAuthentication],
  reads: MTLS_KINDS.filter((k) => k !== K.PeerAuthentication),
  check(pa, ctx) {
    const { index } = ctx;
    if (autoMtlsEnabled(index)) return;
    const root = index.settings.rootNamespace;
    const help = 'Add a DestinationRule with TLS mode "ISTIO_MUTUAL" for these hosts, or turn auto mTLS on (enableAutoMtls).';
    let coded = false;

    // Kiali's checks: a mesh- or namespace-wide STRICT policy needs a `*.local` (or `*.<ns>.svc.<domain>`) ISTIO_MUTUAL rule.
    if (policyTarget(pa).kind === "namespace" && peerAuthMode(pa) === "STRICT") {
      const domainHost = `*.${pa.namespace}.svc.${index.settings.clusterDomain}`;
      const covered = wideDestinationRules(index).some(
        (dr) =>
          topTlsMode(dr) === "ISTIO_MUTUAL" &&
          (isMeshWideHost(asString(spec(dr).host)) || (pa.namespace !== root && dr.namespace === pa.namespace && isNamespaceWideHost(index, dr))),
      );
      if (!covered) {
        coded = true;
        ctx.report({ resource: pa, path: MODE, messageId: pa.namespace === root ? "meshStrict" : "namespaceStrict", data: { namespace: pa.namespace, host: domainHost }, help });
      }
    }

    // Every STRICT port this policy decides, against the TLS each caller namespace's DestinationRule lookup gives.
    // An explicit DISABLE/SIMPLE/MUTUAL is destinationrule-tls-conflict's finding.
    for (const { decided, caller, client } of conflictingClients(index, pa, "STRICT", (c) => c.mode === undefined)) {
      if (coded && decided.mode.path.join(".") === MODE.join(".")) continue;
      ctx.report({
        resource: pa,
        path: decided.mode.path,
        messageId: "strictPlaintext",
        data: { target: describeTarget(decided.target, decided.targetPort), caller: callerText(caller) },
        help,
        ...(client.rule ? { related: [{ resource: client.rule, message: "applies to these clients and sets no TLS" }] } : {}),
      });
    }
  },
});
