import { defineRule } from "../../src/engine/rule.js";
import { injectionWebhookOverlaps, webhookKey } from "../../src/istio/webhook-overlaps.js";
import { MUTATING_WEBHOOK_CONFIGURATION, webhooksOf } from "../../src/istio/webhooks.js";
import { K } from "../../src/model/kinds.js";
import { holdsKind } from "../../src/model/evidence.js";

export default defineRule({
  meta: {
    id: "injection-webhook-invalid",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "Istio's sidecar-injection webhooks overlap, so a pod can be injected twice, or call a Service that does not exist.",
    aliases: [{ tool: "istioctl", code: "IST0139", match: "same" }],
    messages: {
      overlap: 'Webhook "{{webhook}}" overlaps with {{others}}: a pod that both match is injected twice.',
      serviceNotFound: 'Webhook "{{webhook}}" calls Service "{{service}}", which does not exist.',
    },
  },
  target: [MUTATING_WEBHOOK_CONFIGURATION],
  reads: [K.Service],
  check(config, ctx) {
    const overlaps = injectionWebhookOverlaps(ctx.index);
    const judgeServices = holdsKind(ctx.index, K.Service);
    for (const hook of webhooksOf(config)) {
      const others = overlaps.get(webhookKey(hook));
      if (others) {
        ctx.report({
          resource: config,
          path: hook.path,
          messageId: "overlap",
          data: { webhook: hook.name, others: [...others].map((o) => `"${o.config.name}/${o.name}"`).join(", ") },
          related: [...others].map((o) => ({ resource: o.config, path: o.path, message: "overlapping webhook" })),
          help: "Give each revision's webhooks disjoint namespace and object selectors (istioctl tag manages this for revisions).",
        });
      }
      const svc = hook.service;
      if (!svc || !judgeServices || ctx.index.get(K.Service, svc.namespace, svc.name)) continue;
      ctx.report({
        resource: config,
        path: [...hook.path, "clientConfig", "service"],
        messageId: "serviceNotFound",
        data: { webhook: hook.name, service: `${svc.namespace}/${svc.name}` },
        help: "Point the webhook at the istiod Service of its revision; the API server rejects pod creation while the webhook cannot be called.",
      });
    }
  },
});
