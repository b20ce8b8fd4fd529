import { defineRule } from "../../src/engine/rule.js";
import { MUTATING_WEBHOOK_CONFIGURATION, VALIDATING_WEBHOOK_CONFIGURATION, webhooksOf } from "../../src/istio/webhooks.js";

/** The names Istio's charts give their webhook configurations (with revision and namespace suffixes). */
const isIstioConfig = (kind: string, name: string): boolean =>
  kind === "MutatingWebhookConfiguration"
    ? name.startsWith("istio-sidecar-injector")
    : name === "istiod-default-validator" || name.startsWith("istio-validator");

export default defineRule({
  meta: {
    id: "webhook-address-invalid",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "An Istio injection or validation webhook has no usable address: no Service and no valid URL, or an IP address where an external control plane needs a host name.",
    aliases: [
      { tool: "istioctl", code: "IST0163", match: "partial", messageIds: ["missing", "badUrl"] },
      { tool: "istioctl", code: "IST0164", match: "same", messageIds: ["ipAddress"] },
    ],
    messages: {
      missing: 'Webhook "{{webhook}}" has neither a Service nor a URL to call.',
      badUrl: 'Webhook "{{webhook}}" has URL "{{url}}", which is not an absolute URL with a host.',
      ipAddress: 'Webhook "{{webhook}}" calls the control plane at IP address "{{host}}" instead of a host name.',
    },
  },
  target: [MUTATING_WEBHOOK_CONFIGURATION, VALIDATING_WEBHOOK_CONFIGURATION],
  reads: [],
  check(config, ctx) {
    if (!isIstioConfig(config.kind, config.name)) return;
    for (const hook of webhooksOf(config)) {
      const data = { webhook: hook.name, url: hook.url ?? "" };
      if (hook.url === undefined) {
        if (!hook.service) {
          ctx.report({ resource: config, path: [...hook.path, "clientConfig"], messageId: "missing", data, help: "Set clientConfig.service (istiod in the cluster) or clientConfig.url (an external control plane)." });
        }
        continue;
      }
      const host = hostOf(hook.url);
      const urlPath = [...hook.path, "clientConfig", "url"];
      if (!host) {
        ctx.report({ resource: config, path: urlPath, messageId: "badUrl", data, help: 'Write the external control plane\'s address as "https://<host>:<port>/<path>".' });
      } else if (isIpAddress(host)) {
        ctx.report({
          resource: config,
          path: urlPath,
          messageId: "ipAddress",
          data: { ...data, host },
          severity: "info",
          help: "Use a DNS name, so the control plane's serving certificate can name it and the address can change.",
        });
      }
    }
  },
});

function hostOf(url: string): string | undefined {
  try {
    const host = new URL(url).hostname;
    return host || undefined;
  } catch {
    return undefined;
  }
}

const isIpAddress = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.startsWith("[") && host.endsWith("]"));
