import { defineRule } from "../../src/engine/rule.js";
import {
  autoMtlsEnabled,
  isMeshWideHost,
  isNamespaceWideHost,
  meshPeerAuthentication,
  namespacePeerAuthentication,
  peerAuthMode,
  topTlsMode,
} from "../../src/istio/mtls.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asString, spec } from "../../src/model/resource.js";

const enables = (pa: Resource | undefined): boolean => {
  const mode = pa && peerAuthMode(pa);
  return mode === "STRICT" || mode === "PERMISSIVE";
};

export default defineRule({
  meta: {
    id: "destinationrule-peerauthentication-missing",
    area: "istio",
    category: "security",
    severity: "warning",
    description: "With auto mTLS off, a mesh- or namespace-wide ISTIO_MUTUAL DestinationRule has no PeerAuthentication enabling mTLS on the servers.",
    aliases: [
      { tool: "kiali", code: "KIA0205", match: "same", messageIds: ["meshPolicyMissing"] },
      { tool: "kiali", code: "KIA0206", match: "same", messageIds: ["namespacePolicyMissing"] },
    ],
    messages: {
      meshPolicyMissing: 'Clients send "ISTIO_MUTUAL" mesh-wide, but no mesh-wide PeerAuthentication in "{{root}}" enables mTLS (auto mTLS is off).',
      namespacePolicyMissing: 'Clients send "ISTIO_MUTUAL" to namespace "{{namespace}}", but no PeerAuthentication there or mesh-wide enables mTLS (auto mTLS is off).',
    },
  },
  target: [K.DestinationRule],
  reads: [K.PeerAuthentication],
  check(dr, ctx) {
    const { index } = ctx;
    if (autoMtlsEnabled(index) || topTlsMode(dr) !== "ISTIO_MUTUAL") return;
    const mesh = meshPeerAuthentication(index);
    const path = ["spec", "trafficPolicy", "tls", "mode"];
    const help = 'Add a PeerAuthentication with mode STRICT (or PERMISSIVE while migrating), so that the servers\' side of mTLS is stated too.';
    if (isMeshWideHost(asString(spec(dr).host))) {
      if (!enables(mesh)) ctx.report({ resource: dr, path, messageId: "meshPolicyMissing", data: { root: index.settings.rootNamespace }, help });
    } else if (isNamespaceWideHost(index, dr)) {
      if (!enables(namespacePeerAuthentication(index, dr.namespace)) && !enables(mesh)) {
        ctx.report({ resource: dr, path, messageId: "namespacePolicyMissing", data: { namespace: dr.namespace }, help });
      }
    }
  },
});
