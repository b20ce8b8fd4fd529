import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asObject, asString, asStringMap, scalarText, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "serviceentry-addresses-missing",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A ServiceEntry has a TCP (or protocol-less) port but no addresses, and the mesh does not allocate one.",
    aliases: [{ tool: "istioctl", code: "IST0134", match: "same" }],
    messages: {
      addressesMissing:
        'Port {{port}} of ServiceEntry "{{name}}" is {{protocol}} but the ServiceEntry has no addresses, so sidecars cannot tell its traffic from other traffic on port {{port}}.',
    },
  },
  target: [K.ServiceEntry],
  reads: [],
  check(se, ctx) {
    const s = spec(se);
    if (asArray(s.addresses).length > 0) return;
    // Addresses the controller allocated (status.addresses), or DNS proxying with automatic allocation.
    if (asArray(asObject(se.data.status)?.addresses).length > 0) return;
    const metadata = asStringMap(asObject(asObject(ctx.settings.meshConfig.defaultConfig)?.proxyMetadata)) ?? {};
    if (metadata.ISTIO_META_DNS_CAPTURE === "true" && metadata.ISTIO_META_DNS_AUTO_ALLOCATE === "true") return;
    asArray(s.ports).forEach((p, i) => {
      const port = asObject(p);
      if (!port) return;
      const protocol = (asString(port.protocol) ?? "").toUpperCase();
      if (protocol !== "" && protocol !== "TCP") return;
      ctx.report({
        resource: se,
        path: ["spec", "ports", i],
        messageId: "addressesMissing",
        data: { port: scalarText(port.number) ?? "?", name: se.name, protocol: protocol ? "TCP" : "without a protocol (TCP)" },
        help: "Add the service's IP addresses (or a VIP) under spec.addresses, or enable DNS proxying with address auto-allocation.",
      });
    });
  },
});
