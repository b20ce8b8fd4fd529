import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { isDnsSubdomain, profileTarget } from "../../src/linkerd/service-profiles.js";
import { speaksForServicesIn } from "../../src/model/evidence.js";

export default defineRule({
  meta: {
    id: "linkerd-serviceprofile-service-not-found",
    area: "linkerd",
    category: "correctness",
    severity: "warning",
    description: "A ServiceProfile whose name is not the FQDN of an existing Service, so Linkerd never applies it.",
    messages: {
      notFqdn: 'ServiceProfile name "{{name}}" is not a Service FQDN "<service>.<namespace>.svc.{{domain}}".',
      otherDomain: 'ServiceProfile name "{{name}}" ends in cluster domain "{{found}}", not "{{domain}}".',
      serviceNotFound: 'ServiceProfile "{{name}}" describes Service "{{service}}" in namespace "{{namespace}}", which does not exist.',
    },
  },
  target: [K.ServiceProfile],
  reads: [K.Service, K.Namespace],
  check(sp, ctx) {
    const domain = ctx.settings.clusterDomain;
    if (!isDnsSubdomain(sp.name)) return; // linkerd-serviceprofile-invalid reports the name
    const t = profileTarget(sp);
    const path = ["metadata", "name"];
    const help = "Linkerd looks a profile up by the Service's fully qualified name; rename the profile to match it.";
    if (!t) {
      ctx.report({ resource: sp, path, messageId: "notFqdn", data: { name: sp.name, domain }, help });
      return;
    }
    if (t.clusterDomain !== domain) {
      ctx.report({ resource: sp, path, messageId: "otherDomain", data: { name: sp.name, found: t.clusterDomain, domain }, help });
      return;
    }
    if (!speaksForServicesIn(ctx.index, t.namespace) || ctx.index.get(K.Service, t.namespace, t.service)) return;
    ctx.report({
      resource: sp,
      path,
      messageId: "serviceNotFound",
      data: { name: sp.name, service: t.service, namespace: t.namespace },
      help: "Define the Service, or remove a profile left over from a renamed one.",
    });
  },
});
