import { defineRule } from "../../src/engine/rule.js";
import { type Listener, listenersOf } from "../../src/gateway-api/listeners.js";
import { K } from "../../src/model/kinds.js";
import { addTo } from "../../src/base/multimap.js";

/**
 * Listeners sharing a port are compatible when they speak the same protocol family (HTTP; or HTTPS and TLS, told
 * apart by SNI) and have distinct hostnames. UDP and TCP-based listeners never meet on a port.
 */
const family = (p: string | undefined): string => {
  const u = (p ?? "").toUpperCase();
  return u === "HTTPS" || u === "TLS" ? "TLS" : u;
};
const transport = (p: string | undefined): string => (family(p) === "UDP" ? "UDP" : "TCP");

function conflict(a: Listener, b: Listener): "protocolConflict" | "hostnameConflict" | undefined {
  if (a.port !== b.port || transport(a.protocol) !== transport(b.protocol)) return undefined;
  if (family(a.protocol) !== family(b.protocol)) return "protocolConflict";
  return (a.hostname ?? "") === (b.hostname ?? "") ? "hostnameConflict" : undefined;
}

export default defineRule({
  meta: {
    id: "gateway-listener-conflict",
    area: "gateway-api",
    category: "correctness",
    severity: "error",
    description: "Two listeners of one Gateway share a port with incompatible protocols, or with the same protocol and hostname.",
    aliases: [{ tool: "kiali", code: "KIA1503", match: "same", messageIds: ["hostnameConflict"] }],
    messages: {
      protocolConflict: 'Listener "{{listener}}" ({{protocol}}) shares port {{port}} with listener "{{other}}" ({{otherProtocol}}), whose protocol is incompatible.',
      hostnameConflict: 'Listener "{{listener}}" serves the same hostname ({{hostname}}) on port {{port}} as listener "{{other}}".',
    },
  },
  target: [K.KubernetesGateway],
  reads: [],
  check(gateway, ctx) {
    const listeners = listenersOf(gateway).filter((l) => l.port !== undefined);
    const byPort = new Map<number, Listener[]>();
    for (const l of listeners) addTo(byPort, l.port as number, l);
    for (const group of byPort.values()) {
      for (const l of group) {
        // Each listener is reported once, against the first listener it conflicts with.
        const found = group.map((o) => (o === l ? undefined : { o, c: conflict(l, o) })).find((x) => x?.c);
        if (!found?.c) continue;
        const { o, c } = found;
        ctx.report({
          resource: gateway,
          path: [...l.path, "name"],
          messageId: c,
          data: { listener: l.name ?? "", other: o.name ?? "", port: l.port ?? "", protocol: l.protocol ?? "", otherProtocol: o.protocol ?? "", hostname: l.hostname ? `"${l.hostname}"` : "none" },
          help: c === "protocolConflict" ? "Move one listener to another port." : "Give each listener on the port a distinct hostname, or merge them.",
          related: [{ resource: gateway, path: [...o.path, "name"], message: `listener "${o.name ?? ""}"` }],
        });
      }
    }
  },
});
