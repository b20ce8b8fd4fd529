import { defineRule } from "../../src/engine/rule.js";
import { appliedDestinationRules } from "../../src/istio/destination-rules.js";
import {
  ELSEWHERE,
  MTLS_KINDS,
  describeTarget,
  isMeshWideHost,
  isNamespaceWideHost,
  meshPeerAuthentication,
  namespacePeerAuthentication,
  peerAuthMode,
  qualified,
  serverMode,
  serverTargets,
  targetHost,
  tlsFields,
  tlsSetting,
  topTlsMode,
} from "../../src/istio/mtls.js";
import { K } from "../../src/model/kinds.js";
import { type FieldPath, asArray, asObject, asString, asStringMap, spec } from "../../src/model/resource.js";
import { matches, selectorFromLabels } from "../../src/model/selectors.js";
import { canonicalHost } from "../../src/istio/hosts.js";

const TOP: FieldPath = ["spec", "trafficPolicy", "tls", "mode"];

export default defineRule({
  meta: {
    id: "destinationrule-tls-conflict",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A DestinationRule sends plaintext, or TLS of its own, to servers whose PeerAuthentication requires Istio mutual TLS (STRICT).",
    aliases: [
      { tool: "kiali", code: "KIA0207", match: "same", messageIds: ["namespaceStrict"] },
      { tool: "kiali", code: "KIA0208", match: "same", messageIds: ["meshStrict"] },
    ],
    messages: {
      namespaceStrict: 'TLS mode "DISABLE" sends plaintext to namespace "{{namespace}}", whose PeerAuthentication "{{policy}}" requires mutual TLS (STRICT).',
      meshStrict: 'TLS mode "DISABLE" sends plaintext while the mesh-wide PeerAuthentication "{{policy}}" requires mutual TLS (STRICT).',
      plaintextStrict: 'TLS mode "DISABLE" sends plaintext to {{target}}, which requires mutual TLS (STRICT from PeerAuthentication "{{policy}}").',
      originationStrict: 'TLS mode "{{mode}}" sends TLS of its own to {{target}}, which requires Istio mutual TLS (STRICT from PeerAuthentication "{{policy}}").',
    },
  },
  target: [K.DestinationRule],
  reads: MTLS_KINDS.filter((k) => k !== K.DestinationRule),
  check(dr, ctx) {
    const { index } = ctx;
    const written = asString(spec(dr).host);
    if (!written) return;
    const help = 'Use "ISTIO_MUTUAL" (or remove the tls block so that auto mTLS applies), or relax the PeerAuthentication to PERMISSIVE.';
    const reported = new Set<string>();

    // Kiali's mesh- and namespace-wide checks: `*.local` or `*.<ns>.svc.<domain>` with DISABLE.
    const nsWide = isNamespaceWideHost(index, dr);
    if (topTlsMode(dr) === "DISABLE" && (nsWide || isMeshWideHost(written))) {
      const ns = nsWide ? namespacePeerAuthentication(index, dr.namespace) : undefined;
      const nsMode = ns && peerAuthMode(ns);
      const mesh = meshPeerAuthentication(index);
      if (ns && nsMode === "STRICT") {
        ctx.report({ resource: dr, path: TOP, messageId: "namespaceStrict", data: { namespace: dr.namespace, policy: qualified(ns) }, help, related: [{ resource: ns, path: ["spec", "mtls", "mode"], message: "STRICT mTLS" }] });
        reported.add(TOP.join("."));
      } else if (!nsMode && mesh && peerAuthMode(mesh) === "STRICT") {
        ctx.report({ resource: dr, path: TOP, messageId: "meshStrict", data: { policy: qualified(mesh) }, help, related: [{ resource: mesh, path: ["spec", "mtls", "mode"], message: "STRICT mTLS" }] });
        reported.add(TOP.join("."));
      }
    }

    // Per server port: the field that decides the client's TLS towards each STRICT port this rule applies to.
    const host = written.startsWith("*") ? written.toLowerCase() : canonicalHost(index, written, dr.namespace);
    const fields = tlsFields(dr).filter((f) => f.mode !== "ISTIO_MUTUAL" && !reported.has(f.path.join(".")));
    if (!fields.length) return;
    const subsets = new Map(asArray(spec(dr).subsets).map((s) => [asString(asObject(s)?.name), asStringMap(asObject(s)?.labels)]));
    for (const t of serverTargets(index, host)) {
      if (!t.inMesh) continue;
      const { host: called, namespaces } = targetHost(index, t);
      const callers = [dr.namespace, ELSEWHERE];
      if (!callers.some((c) => appliedDestinationRules(index, called, c, namespaces).rules.includes(dr))) continue;
      const ports = t.ports.length ? t.ports : [{ servicePort: undefined, targetPort: undefined }];
      for (const f of fields) {
        const labels = f.subset === undefined ? undefined : subsets.get(f.subset);
        if (labels && t.workload && !matches(selectorFromLabels(labels), t.pod.labels)) continue;
        for (const p of ports) {
          if (f.port !== undefined && p.servicePort !== f.port) continue;
          if (tlsSetting(dr, p.servicePort, f.subset).path?.join(".") !== f.path.join(".")) continue;
          const server = serverMode(index, t.pod, p.targetPort);
          const key = f.path.join(".");
          if (server.mode !== "STRICT" || !server.policy || reported.has(key)) continue;
          reported.add(key);
          ctx.report({
            resource: dr,
            path: f.path,
            messageId: f.mode === "DISABLE" ? "plaintextStrict" : "originationStrict",
            data: { mode: f.mode, target: describeTarget(t, p.targetPort), policy: qualified(server.policy) },
            help,
            related: [{ resource: server.policy, path: server.path, message: "STRICT mTLS" }],
          });
        }
      }
    }
  },
});
