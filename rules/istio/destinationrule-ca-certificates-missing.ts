import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { type FieldPath, type JsonObject, asArray, asObject, asString, scalarText, spec } from "../../src/model/resource.js";

/** Where a DestinationRule sets client TLS: its traffic policy, each port of it, and the same inside each subset. */
function tlsSettings(policy: JsonObject | undefined, path: FieldPath): { tls: JsonObject; path: FieldPath; port?: string }[] {
  if (!policy) return [];
  const out: { tls: JsonObject; path: FieldPath; port?: string }[] = [];
  const top = asObject(policy.tls);
  if (top) out.push({ tls: top, path: [...path, "tls"] });
  asArray(policy.portLevelSettings).forEach((p, i) => {
    const tls = asObject(asObject(p)?.tls);
    const port = asObject(asObject(p)?.port)?.number;
    if (tls) out.push({ tls, path: [...path, "portLevelSettings", i, "tls"], port: scalarText(port) ?? "?" });
  });
  return out;
}

export default defineRule({
  meta: {
    id: "destinationrule-ca-certificates-missing",
    area: "istio",
    category: "security",
    severity: "warning",
    description: "A DestinationRule originates TLS (SIMPLE or MUTUAL) without caCertificates, so the server's certificate may go unverified.",
    aliases: [
      { tool: "istioctl", code: "IST0128", match: "same", messageIds: ["destinationLevel"] },
      { tool: "istioctl", code: "IST0129", match: "same", messageIds: ["portLevel"] },
    ],
    messages: {
      destinationLevel: 'TLS mode {{mode}} for host "{{host}}" sets no caCertificates, so the server certificate is not verified against a CA you chose.',
      portLevel: 'TLS mode {{mode}} for port {{port}} of host "{{host}}" sets no caCertificates, so the server certificate is not verified against a CA you chose.',
      subsetLevel: 'TLS mode {{mode}} in subset "{{subset}}" of host "{{host}}" sets no caCertificates, so the server certificate is not verified against a CA you chose.',
    },
  },
  target: [K.DestinationRule],
  reads: [],
  check(dr, ctx) {
    const s = spec(dr);
    const host = asString(s.host) ?? "";
    // A credentialName on a DestinationRule with a workload selector is read from a Secret that can hold the CA.
    const selected = asObject(s.workloadSelector) !== undefined;
    const check = (policy: JsonObject | undefined, path: FieldPath, subset?: string) => {
      for (const { tls, path: at, port } of tlsSettings(policy, path)) {
        const mode = asString(tls.mode);
        if (mode !== "SIMPLE" && mode !== "MUTUAL") continue;
        if (asString(tls.caCertificates) || tls.insecureSkipVerify === true) continue;
        if (selected && asString(tls.credentialName)) continue;
        ctx.report({
          resource: dr,
          path: [...at, "mode"],
          messageId: subset !== undefined ? "subsetLevel" : port !== undefined ? "portLevel" : "destinationLevel",
          data: { mode, host, port: port ?? "", subset: subset ?? "" },
          help: "Set caCertificates (or a credentialName Secret with ca.crt on a DestinationRule with a workloadSelector) to verify the server.",
        });
      }
    };
    check(asObject(s.trafficPolicy), ["spec", "trafficPolicy"]);
    asArray(s.subsets).forEach((sub, i) => {
      const subset = asObject(sub);
      check(asObject(subset?.trafficPolicy), ["spec", "subsets", i, "trafficPolicy"], asString(subset?.name) ?? String(i));
    });
  },
});
