import { defineRule } from "../../src/engine/rule.js";
import { ISTIO_OPERATOR, gatewayWorkloads } from "../../src/istio/gateway-servers.js";
import { MESH_GATEWAY, gatewayEntries, parseGatewayReference } from "../../src/istio/gateways.js";
import { policiesApplyingTo } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { type FieldPath, type Resource, asArray, asObject, spec } from "../../src/model/resource.js";
import { type ResourceIndex, WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import type { Workload } from "../../src/model/workloads.js";
import { holdsKind } from "../../src/model/evidence.js";

const JWT_CLAIM_PREFIX = "@request.auth.claims";

export default defineRule({
  meta: {
    id: "virtualservice-jwt-authentication-missing",
    area: "istio",
    category: "correctness",
    severity: "error",
    description: "A gateway route matches on JWT claims, but no RequestAuthentication applies to the gateway's workloads, so the claims are never set.",
    aliases: [{ tool: "istioctl", code: "IST0149", match: "same" }],
    messages: {
      noRequestAuthentication:
        'Route matches on JWT claim "{{claim}}", but no RequestAuthentication applies to workload(s) {{workloads}} of gateway "{{gateway}}".',
    },
  },
  target: [K.VirtualService],
  reads: [K.Gateway, K.RequestAuthentication, ...WORKLOAD_KINDS, ISTIO_OPERATOR],
  check(vs, ctx) {
    const claim = jwtClaimMatch(vs);
    if (!claim) return;
    for (const entry of gatewayEntries(vs)) {
      if (!entry.topLevel || entry.written === MESH_GATEWAY) continue;
      const ref = parseGatewayReference(entry.written, vs.namespace);
      const gw = ref && ctx.index.get(K.Gateway, ref.namespace, ref.name);
      if (!gw) continue;
      const uncovered = gatewayWorkloads(ctx.index, gw).filter((w) => !authenticated(ctx.index, w));
      if (uncovered.length === 0) continue;
      ctx.report({
        resource: vs,
        path: claim.path,
        messageId: "noRequestAuthentication",
        data: {
          claim: claim.key,
          gateway: `${gw.namespace}/${gw.name}`,
          workloads: uncovered.map((w) => `"${w.namespace}/${w.resource.name}"`).join(", "),
        },
        help: "Add a RequestAuthentication selecting the gateway's pods (in their namespace or the root namespace).",
        related: [{ resource: gw, path: ["spec", "selector"], message: "gateway bound here" }],
        // RequestAuthentications may be kept in another repository when this one holds none.
        ...(holdsKind(ctx.index, K.RequestAuthentication) ? {} : { severity: "warning" as const }),
      });
    }
  },
});

/** The first header or withoutHeaders match on a JWT claim pseudo-header. */
function jwtClaimMatch(vs: Resource): { key: string; path: FieldPath } | undefined {
  const http = asArray(spec(vs).http);
  for (let i = 0; i < http.length; i++) {
    const matchList = asArray(asObject(http[i])?.match);
    for (let j = 0; j < matchList.length; j++) {
      for (const field of ["headers", "withoutHeaders"] as const) {
        const key = Object.keys(asObject(asObject(matchList[j])?.[field]) ?? {}).find((k) => k.startsWith(JWT_CLAIM_PREFIX));
        if (key) return { key, path: ["spec", "http", i, "match", j, field, key] };
      }
    }
  }
  return undefined;
}

/** A RequestAuthentication applies to the workload (from its namespace or the root namespace). */
const authenticated = (index: ResourceIndex, w: Workload): boolean => policiesApplyingTo(index, K.RequestAuthentication, w).length > 0;
