import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { parseAuthority } from "../../src/linkerd/service-profiles.js";
import { speaksForServicesIn } from "../../src/model/evidence.js";
import { asArray, asObject, asString, spec } from "../../src/model/resource.js";
import { portNumbered, serviceNamed } from "../../src/model/services.js";
import { parseQuantity, sign } from "../../src/base/quantity.js";

export default defineRule({
  meta: {
    id: "linkerd-serviceprofile-dst-override-invalid",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "ServiceProfile dstOverrides that name no existing Service or port, or that all weigh zero.",
    messages: {
      notFqdn: 'Authority "{{authority}}" is not a Service FQDN "<service>.<namespace>.svc.{{domain}}[:port]".',
      serviceNotFound: 'Authority "{{authority}}" names Service "{{service}}" in namespace "{{namespace}}", which does not exist.',
      portNotFound: 'Authority "{{authority}}" names port {{port}}, which Service "{{service}}" does not expose.',
      allZero: "Every dstOverride has weight 0, so requests to this Service have no destination.",
    },
  },
  target: [K.ServiceProfile],
  reads: [K.Service, K.Namespace],
  check(sp, ctx) {
    const domain = ctx.settings.clusterDomain;
    const overrides = asArray(spec(sp).dstOverrides).map((o) => asObject(o) ?? {});
    let positive = false;
    let judged = 0;
    overrides.forEach((o, i) => {
      const path = ["spec", "dstOverrides", i];
      const authority = asString(o.authority);
      if (authority !== undefined) {
        const a = parseAuthority(authority);
        const data = { authority, domain };
        if (!a || a.clusterDomain !== domain) ctx.report({ resource: sp, path: [...path, "authority"], messageId: "notFqdn", data, help: "Linkerd resolves an override through the destination service; use the Service's full name." });
        else if (speaksForServicesIn(ctx.index, a.namespace)) {
          const svc = serviceNamed(ctx.index, a.namespace, a.service);
          if (!svc) ctx.report({ resource: sp, path: [...path, "authority"], messageId: "serviceNotFound", data: { authority, service: a.service, namespace: a.namespace }, help: "Traffic sent to this override fails." });
          else if (a.port !== undefined && !portNumbered(svc, a.port)) ctx.report({ resource: sp, path: [...path, "authority"], messageId: "portNotFound", data: { authority, port: a.port, service: a.service }, help: "Use one of the Service's ports." });
        }
      }
      const w = typeof o.weight === "number" ? String(o.weight) : asString(o.weight);
      if (w === undefined) return;
      try {
        const s = sign(parseQuantity(w));
        judged++;
        if (s > 0) positive = true;
      } catch {
        // Not a quantity: the CRD schema's pattern reports it.
      }
    });
    if (judged > 0 && judged === overrides.length && !positive) ctx.report({ resource: sp, path: ["spec", "dstOverrides"], messageId: "allZero", help: "Give at least one override a positive weight." });
  },
});
