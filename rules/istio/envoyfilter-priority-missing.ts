import { defineRule } from "../../src/engine/rule.js";
import { type ConfigPatch, REPLACEABLE, RELATIVE_OPERATIONS, ROUTE_LEVEL, configPatches } from "../../src/istio/envoy-filters.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asNumber, spec } from "../../src/model/resource.js";
import { addTo } from "../../src/base/multimap.js";

/** A relative patch that the other rule does not already call ineffective. */
function isRelative(patch: ConfigPatch): boolean {
  const op = patch.operation ?? "";
  if (!RELATIVE_OPERATIONS.has(op)) return false;
  if (op === "REMOVE") return !ROUTE_LEVEL.has(patch.applyTo ?? "");
  return op !== "REPLACE" || REPLACEABLE.has(patch.applyTo ?? "");
}

export default defineRule({
  meta: {
    id: "envoyfilter-priority-missing",
    area: "istio",
    category: "suspicious",
    severity: "warning",
    description: "An EnvoyFilter without priority uses a relative patch operation, whose result depends on the order filters are applied in.",
    aliases: [
      { tool: "istioctl", code: "IST0151", match: "same", messageIds: ["relative"] },
      { tool: "istioctl", code: "IST0155", match: "same", messageIds: ["relativeWithProxyVersion"] },
    ],
    messages: {
      relative: 'Operation "{{operation}}" is relative to other patches, but the EnvoyFilter sets no priority.',
      relativeWithProxyVersion:
        'Operation "{{operation}}" is relative to other patches on filter "{{filter}}", one of which matches on proxyVersion, but the EnvoyFilter sets no priority.',
    },
  },
  reads: [K.EnvoyFilter],
  checkAll(ctx) {
    const filters = ctx.index.all(K.EnvoyFilter);
    // Filter name -> the patches on it that match on proxyVersion. Istio's analyzer only looks at patches it
    // happened to process earlier; any other patch on the same filter counts here, so the result does not
    // depend on file order.
    const versioned = new Map<string, { resource: Resource; patch: ConfigPatch }[]>();
    const patchesOf = new Map(filters.map((f) => [f, configPatches(f)]));
    for (const [resource, patches] of patchesOf) {
      for (const patch of patches) {
        if (!patch.proxyVersion || !patch.filterName) continue;
        addTo(versioned, patch.filterName, { resource, patch });
      }
    }
    for (const [resource, patches] of patchesOf) {
      if (asNumber(spec(resource).priority)) continue;
      for (const patch of patches) {
        if (!isRelative(patch)) continue;
        const other = (versioned.get(patch.filterName) ?? []).find((v) => v.patch !== patch);
        ctx.report({
          resource,
          path: [...patch.path, "patch", "operation"],
          messageId: other ? "relativeWithProxyVersion" : "relative",
          data: { operation: patch.operation ?? "", filter: patch.filterName },
          help: "Set spec.priority, or use an absolute operation (ADD, INSERT_FIRST, MERGE).",
          ...(other ? { related: [{ resource: other.resource, path: other.patch.path, message: "matches on proxyVersion" }] } : {}),
        });
      }
    }
  },
});
