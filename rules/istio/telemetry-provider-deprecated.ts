import { defineRule } from "../../src/engine/rule.js";
import { K } from "../../src/model/kinds.js";
import { asArray, asObject, asString, spec } from "../../src/model/resource.js";

export default defineRule({
  meta: {
    id: "telemetry-provider-deprecated",
    area: "istio",
    category: "deprecation",
    severity: "warning",
    description: "A Telemetry traces to a mesh-config provider of the deprecated Lightstep type.",
    aliases: [{ tool: "istioctl", code: "IST0002", match: "partial" }],
    messages: {
      lightstep: 'Tracing provider "{{provider}}" is a Lightstep provider, which Istio deprecated.',
    },
  },
  target: [K.Telemetry],
  reads: [],
  check(telemetry, ctx) {
    const lightstep = new Set(
      asArray(ctx.settings.meshConfig.extensionProviders).flatMap((p) => {
        const provider = asObject(p);
        const name = asString(provider?.name);
        return name && asObject(provider?.lightstep) ? [name] : [];
      }),
    );
    if (lightstep.size === 0) return;
    asArray(spec(telemetry).tracing).forEach((tracing, i) => {
      asArray(asObject(tracing)?.providers).forEach((p, j) => {
        const name = asString(asObject(p)?.name);
        if (!name || !lightstep.has(name)) return;
        ctx.report({
          resource: telemetry,
          path: ["spec", "tracing", i, "providers", j, "name"],
          messageId: "lightstep",
          data: { provider: name },
          help: "Send traces to an OpenTelemetry provider (Lightstep accepts OTLP).",
        });
      });
    });
  },
});
