import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asObject, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "telemetry-provider-missing",
    area: "istio",
    category: "correctness",
    severity: "warning",
    description: "A Telemetry access-logging entry names no provider while the mesh config has no default one, so it logs nothing.",
    aliases: [{ tool: "istioctl", code: "IST0157", match: "same" }],
    messages: {
      noProvider: "This accessLogging entry names no provider and the mesh config sets no defaultProviders.accessLogging, so it is ignored.",
    },
  },
  target: [K.Telemetry],
  reads: [],
  check(telemetry, ctx) {
    const defaults = asArray(asObject(ctx.settings.meshConfig.defaultProviders)?.accessLogging);
    if (defaults.length) return;
    asArray(spec(telemetry).accessLogging).forEach((entry, i) => {
      const logging = asObject(entry);
      if (!logging || logging.disabled === true || asArray(logging.providers).length) return;
      ctx.report({
        resource: telemetry,
        path: ["spec", "accessLogging", i],
        messageId: "noProvider",
        help: 'Name a provider ("providers: [{name: envoy}]"), or set defaultProviders.accessLogging in the mesh config.',
      });
    });
  },
});
