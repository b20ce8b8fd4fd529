import { describe, expect, it } from "vitest";
import {
  ambientAttachment,
  ambientHostProblems,
  isL7AuthorizationPolicy,
  isL7DestinationRule,
  isL7Telemetry,
  isL7VirtualService,
} from "../../src/istio/ambient.js";
import { resolveWaypoint, waypointAdmits, waypointTrafficType, waypointUse, workloadHasWaypoint, workloadWaypointUse } from "../../src/istio/waypoints.js";
import { K, type KindKey } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import { indexOf } from "../helpers/index.js";

const doc = (apiVersion: string, kind: string, name: string, namespace: string, body: string, meta = "") =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: { name: ${name}, namespace: ${namespace}${meta} }\n${body}\n`;
const ns = (name: string, labels: string) => `apiVersion: v1\nkind: Namespace\nmetadata: { name: ${name}, labels: { ${labels} } }\n`;
const deployment = (name: string, namespace: string, labels: string) =>
  doc("apps/v1", "Deployment", name, namespace, `spec:\n  selector: { matchLabels: { app: ${name} } }\n  template:\n    metadata: { labels: { ${labels} } }\n    spec: { containers: [{ name: app, image: example/app:1 }] }`);
const service = (name: string, namespace: string, labels = "", selector = `app: ${name}`) =>
  `apiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: ${namespace}, labels: { ${labels} } }\nspec: { selector: { ${selector} }, ports: [{ name: http, port: 80 }] }\n`;
const waypointGateway = (name: string, namespace: string, labels = "", listener = "") =>
  `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: ${name}, namespace: ${namespace}, labels: { ${labels} } }\nspec:\n  gatewayClassName: istio-waypoint\n  listeners: [{ name: mesh, port: 15008, protocol: HBONE ${listener} }]\n`;

const one = (index: ResourceIndex, kind: KindKey, name: string, namespace?: string): Resource => {
  const found = index.all(kind).find((r) => r.name === name && (namespace === undefined || r.namespace === namespace));
  if (!found) throw new Error(`no ${kind.kind} ${name}`);
  return found;
};
const workload = (index: ResourceIndex, name: string) => {
  const w = index.workloads().all.find((x) => x.resource.name === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w;
};

describe("what needs a waypoint (Kiali's L7 classification)", () => {
  const index = indexOf(
    [
      doc("security.istio.io/v1", "AuthorizationPolicy", "not-methods", "a", "spec: { rules: [{ to: [{ operation: { notMethods: [DELETE] } }] }] }"),
      doc("security.istio.io/v1", "AuthorizationPolicy", "not-principals", "a", 'spec: { rules: [{ from: [{ source: { notRequestPrincipals: ["*"] } }] }] }'),
      doc("security.istio.io/v1", "AuthorizationPolicy", "ports", "a", 'spec: { rules: [{ to: [{ operation: { ports: ["80"] } }] }] }'),
      doc("networking.istio.io/v1", "DestinationRule", "hash", "a", "spec: { host: x, subsets: [{ name: s, trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: user } } } }] }"),
      doc("networking.istio.io/v1", "DestinationRule", "tcp", "a", "spec: { host: x, trafficPolicy: { connectionPool: { tcp: { maxConnections: 1 } }, tls: { mode: ISTIO_MUTUAL } } }"),
      doc("networking.istio.io/v1", "VirtualService", "mesh", "a", "spec: { hosts: [x], gateways: [mesh, gw], http: [{ route: [{ destination: { host: x } }] }] }"),
      doc("networking.istio.io/v1", "VirtualService", "ingress", "a", "spec: { hosts: [x], gateways: [gw], http: [{ route: [{ destination: { host: x } }] }] }"),
      doc("networking.istio.io/v1", "VirtualService", "tcp", "a", "spec: { hosts: [x], tcp: [{ route: [{ destination: { host: x } }] }] }"),
      doc("telemetry.istio.io/v1", "Telemetry", "overrides", "a", "spec: { metrics: [{ overrides: [{ disabled: true }] }] }"),
      doc("telemetry.istio.io/v1", "Telemetry", "metrics", "a", "spec: { metrics: [{ providers: [{ name: prometheus }] }] }"),
    ].join("---\n"),
  );

  it("counts the negated HTTP fields of AuthorizationPolicies, and only HTTP settings of DestinationRules", () => {
    expect(["not-methods", "not-principals", "ports"].map((n) => isL7AuthorizationPolicy(one(index, K.AuthorizationPolicy, n)))).toEqual([true, true, false]);
    expect(["hash", "tcp"].map((n) => isL7DestinationRule(one(index, K.DestinationRule, n)))).toEqual([true, false]);
  });

  it("counts VirtualServices for mesh traffic with HTTP or TLS routes, and Telemetry beyond L4 metrics", () => {
    expect(["mesh", "ingress", "tcp"].map((n) => isL7VirtualService(one(index, K.VirtualService, n)))).toEqual([true, false, false]);
    expect(["overrides", "metrics"].map((n) => isL7Telemetry(one(index, K.Telemetry, n)))).toEqual([true, false]);
  });
});

describe("ambient attachment", () => {
  const index = indexOf(
    [
      ns("amb", "istio.io/dataplane-mode: ambient"),
      ns("wp", "istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint"),
      ns("side", "istio-injection: enabled"),
      deployment("opted-out", "amb", "app: opted-out, istio.io/dataplane-mode: none"),
      deployment("mixed-a", "amb", "app: mixed, istio.io/dataplane-mode: none"),
      deployment("mixed-b", "amb", "app: mixed, tier: b"),
      service("reviews", "wp"),
      service("ratings", "wp", "istio.io/use-waypoint: none"),
      service("details", "amb"),
      service("catalog", "side"),
      doc("security.istio.io/v1", "AuthorizationPolicy", "opted-out", "amb", 'spec: { selector: { matchLabels: { app: opted-out } }, rules: [{ to: [{ operation: { paths: ["/x"] } }] }] }'),
      doc("security.istio.io/v1", "AuthorizationPolicy", "mixed", "amb", 'spec: { selector: { matchLabels: { app: mixed } }, rules: [{ to: [{ operation: { paths: ["/x"] } }] }] }'),
      doc("security.istio.io/v1", "AuthorizationPolicy", "nothing", "amb", 'spec: { selector: { matchLabels: { app: none } }, rules: [{ to: [{ operation: { paths: ["/x"] } }] }] }'),
    ].join("---\n"),
  );
  const ap = (name: string) => one(index, K.AuthorizationPolicy, name);

  it("leaves workloads opted out of ambient mode out, as Kiali does (KIA0109)", () => {
    expect(ambientAttachment(index, ap("opted-out"))).toEqual({ withoutTargetRefs: true, notEnrolled: false });
    expect(ambientAttachment(index, ap("mixed"))).toEqual({ withoutTargetRefs: true, notEnrolled: true });
    expect(ambientAttachment(index, ap("nothing"))).toEqual({ withoutTargetRefs: true, notEnrolled: true });
  });

  it("judges hosts by the namespace and enrollment of the ambient Service they name", () => {
    const hosts = (...h: string[]) => h.map((host, i) => ({ host, path: ["spec", "hosts", i] }));
    const vs = doc("networking.istio.io/v1", "VirtualService", "v", "side", "spec: { hosts: [x], http: [{ route: [{ destination: { host: x } }] }] }");
    const from = indexOf([ns("wp", "istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint"), ns("amb", "istio.io/dataplane-mode: ambient"), ns("side", "istio-injection: enabled"), service("reviews", "wp"), service("ratings", "wp", "istio.io/use-waypoint: none"), service("details", "amb"), service("catalog", "side"), vs].join("---\n"));
    const v = one(from, K.VirtualService, "v");
    const ids = (h: string[]) => ambientHostProblems(from, v, hosts(...h)).map((p) => `${p.messageId} ${p.service}`);
    expect(ids(["reviews.wp.svc.cluster.local", "ratings.wp"])).toEqual(["otherNamespace wp/reviews", "otherNamespace wp/ratings", "serviceNotEnrolled wp/ratings"]);
    expect(ids(["catalog", "*", ""])).toEqual([]);
    const inAmb = one(indexOf([ns("amb", "istio.io/dataplane-mode: ambient"), doc("networking.istio.io/v1", "VirtualService", "v", "amb", "spec: { hosts: [x], http: [] }")].join("---\n")), K.VirtualService, "v");
    expect(ambientHostProblems(indexOf(ns("amb", "istio.io/dataplane-mode: ambient")), inAmb, hosts("api.example.com")).map((p) => p.messageId)).toEqual(["namespaceNotEnrolled"]);
  });
});

describe("waypoints", () => {
  const index = indexOf(
    [
      ns("shop", "istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint"),
      ns("web", "istio.io/dataplane-mode: ambient, team: web"),
      waypointGateway("waypoint", "shop", "istio.io/waypoint-for: all"),
      waypointGateway("pods", "shop", "", ", allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { team: web } } } }"),
      waypointGateway("services", "shop"),
      deployment("own", "shop", "app: own, istio.io/use-waypoint: pods"),
      deployment("viasvc", "web", "app: viasvc"),
      service("viasvc", "web", "istio.io/use-waypoint: services, istio.io/use-waypoint-namespace: shop"),
      deployment("optout", "shop", "app: optout, istio.io/use-waypoint: none"),
      deployment("inherits", "shop", "app: inherits"),
      deployment("gone", "web", "app: gone, istio.io/use-waypoint: gone"),
    ].join("---\n"),
  );

  it("reads the use-waypoint labels of the pod, then of a Service selecting it, then of the namespace", () => {
    expect(waypointUse({ "istio.io/use-waypoint": "w", "istio.io/use-waypoint-namespace": "infra" }, "shop")).toEqual({ kind: "named", name: "w", namespace: "infra" });
    expect(waypointUse({ "istio.io/use-waypoint": "none" }, "shop")).toEqual({ kind: "none" });
    expect(["own", "viasvc", "optout", "inherits"].map((n) => workloadWaypointUse(index, workload(index, n)))).toEqual([
      { kind: "named", name: "pods", namespace: "shop" },
      { kind: "named", name: "services", namespace: "shop" },
      { kind: "none" },
      { kind: "named", name: "waypoint", namespace: "shop" },
    ]);
    expect(["own", "optout", "gone"].map((n) => workloadHasWaypoint(index, workload(index, n)))).toEqual([true, false, false]);
  });

  it("finds the waypoint Gateway, its traffic type and the namespaces it admits", () => {
    const found = resolveWaypoint(index, "pods", "shop");
    expect(found.kind).toBe("found");
    expect(resolveWaypoint(index, "gone", "web").kind).toBe("missing");
    expect(resolveWaypoint(indexOf(ns("x", "a: b")), "gone", "x").kind).toBe("unknown");
    const gw = (name: string) => one(index, K.KubernetesGateway, name);
    expect(["waypoint", "pods", "services"].map((n) => waypointTrafficType(index, gw(n)))).toEqual(["all", "service", "service"]);
    expect([waypointAdmits(index, gw("services"), "web"), waypointAdmits(index, gw("pods"), "web"), waypointAdmits(index, gw("pods"), "undeclared")]).toEqual([
      false,
      true,
      undefined,
    ]);
  });
});
