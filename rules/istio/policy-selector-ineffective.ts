import { defineRule } from "../../src/engine/rule.js";
import { policyTarget } from "../../src/istio/policy-targets.js";
import { K } from "../../src/model/kinds.js";
import { type Resource, asObject, asString, asStringMap, spec } from "../../src/model/resource.js";
import { WORKLOAD_KINDS } from "../../src/model/resource-index.js";
import { matches } from "../../src/model/selectors.js";

/** The label Istio puts on the pods it deploys for a Gateway API Gateway (and waypoint). */
const GATEWAY_NAME_LABEL = "gateway.networking.k8s.io/gateway-name";

const isWaypoint = (gw: Resource | undefined, labels: Readonly<Record<string, string>>) =>
  gw ? asString(spec(gw).gatewayClassName) === "istio-waypoint" : labels["gateway.istio.io/managed"] === "istio.io-mesh-controller";

export default defineRule({
  meta: {
    id: "policy-selector-ineffective",
    area: "istio",
    category: "suspicious",
    severity: "info",
    description:
      "An Istio policy selects the pods of a Gateway API Gateway by label instead of targetRefs; a warning for waypoints, which ignore selectors.",
    aliases: [{ tool: "istioctl", code: "IST0166", match: "same" }],
    messages: {
      waypointSelector: 'Selector matches the pods of waypoint "{{gateway}}", which ignores selector-based policies.',
      gatewaySelector: 'Selector matches the pods Istio deploys for Gateway API Gateway "{{gateway}}" by their generated labels instead of naming the Gateway.',
    },
  },
  target: [K.AuthorizationPolicy, K.RequestAuthentication, K.Telemetry, K.WasmPlugin],
  reads: [K.KubernetesGateway, ...WORKLOAD_KINDS],
  check(policy, ctx) {
    const target = policyTarget(policy);
    if (target.kind !== "selector") return;
    // Gateway API gateways' pods: those the repository holds, and those Istio will deploy for its Gateways.
    const pods = [
      ...ctx.index.workloads().inNamespace(policy.namespace).map((w) => w.labels).filter((labels) => labels[GATEWAY_NAME_LABEL] !== undefined),
      ...ctx.index.inNamespace(K.KubernetesGateway, policy.namespace).map((gw) => ({
        ...(asStringMap(asObject(spec(gw).infrastructure)?.labels) ?? {}),
        [GATEWAY_NAME_LABEL]: gw.name,
      })),
    ];
    const hit = pods.find((labels) => matches(target.selector, labels));
    if (!hit) return;
    const name = hit[GATEWAY_NAME_LABEL] as string;
    const waypoint = isWaypoint(ctx.index.get(K.KubernetesGateway, policy.namespace, name), hit);
    ctx.report({
      resource: policy,
      path: target.path,
      messageId: waypoint ? "waypointSelector" : "gatewaySelector",
      data: { gateway: `${policy.namespace}/${name}` },
      help: `Replace the selector with targetRefs: [{ kind: Gateway, group: gateway.networking.k8s.io, name: ${name} }].`,
      ...(waypoint ? { severity: "warning" as const } : {}),
    });
  },
});
