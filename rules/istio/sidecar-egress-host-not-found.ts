import { defineRule } from "../../src/engine/rule.js";
import { egressHosts, resolveEgressHost } from "../../src/istio/sidecar-egress.js";
import { K } from "../../src/model/kinds.js";
import { HOST_KINDS } from "../../src/istio/hosts.js";

export default defineRule({
  meta: {
    id: "sidecar-egress-host-not-found",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Sidecar egress host matches no Service or ServiceEntry that the entry can import.",
    aliases: [{ tool: "kiali", code: "KIA1004", match: "same", messageIds: ["hostNotFound", "wildcardElsewhere"] }],
    messages: {
      hostNotFound: 'Egress host "{{host}}" matches no Service or ServiceEntry visible from namespace "{{namespace}}".',
      hostElsewhere:
        'Egress host "{{host}}" is defined by {{owner}} in namespace "{{where}}", not in "{{wanted}}", so this entry imports nothing.',
      wildcardElsewhere:
        'Egress host "{{host}}" is defined by {{owner}} in namespace "{{where}}", not in "{{wanted}}", so this entry imports nothing.',
    },
  },
  target: [K.Sidecar],
  reads: [...HOST_KINDS],
  check(sidecar, ctx) {
    for (const entry of egressHosts(sidecar)) {
      if (entry.dnsName === "*") continue;
      const found = resolveEgressHost(ctx.index, sidecar, entry);
      if (found.imported) continue;
      const owner = found.elsewhere;
      if (!owner) {
        if (found.registered) continue;
        ctx.report({
          resource: sidecar,
          path: entry.path,
          messageId: "hostNotFound",
          data: { host: entry.value, namespace: sidecar.namespace },
          help: "Fix the host, or add the Service or ServiceEntry it should import.",
        });
        continue;
      }
      // `~/host` imports nothing on purpose.
      if (entry.namespace === "~") continue;
      ctx.report({
        resource: sidecar,
        path: entry.path,
        // Kiali does not match a wildcard egress host against concrete hosts: for it, this one is not found at all.
        messageId: found.registered ? "hostElsewhere" : "wildcardElsewhere",
        data: {
          host: entry.value,
          owner: `${owner.kind} "${owner.name}"`,
          where: owner.namespace,
          wanted: entry.namespace === "." ? sidecar.namespace : entry.namespace,
        },
        help: `Write the host as "${owner.namespace}/${entry.dnsName}" (or "*/${entry.dnsName}"): the namespace part names where the Service or ServiceEntry is defined.`,
        related: [{ resource: owner, message: "defines this host" }],
      });
    }
  },
});
