import { describe, expect, it } from "vitest";
import { ambientAttachment, isL7AuthorizationPolicy, waypointEnrolled } from "../../src/istio/ambient.js";
import { configPatches } from "../../src/istio/envoy-filters.js";
import { mayBeInMesh, namespaceInAmbientMode, workloadInAmbient } from "../../src/istio/injection.js";
import { egressHosts, resolveEgressHost } from "../../src/istio/sidecar-egress.js";
import { generatedGatewayMatch, namespaceWidePolicies, selectorOverlaps } from "../../src/istio/selection.js";
import { holdsWorkloads } from "../../src/model/evidence.js";
import { K } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import { selectorFromLabels } from "../../src/model/selectors.js";
import { indexOf } from "../helpers/index.js";

const deployment = (name: string, namespace: string, labels: string, extra = "") => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { ${labels} } ${extra} }
    spec: { containers: [{ name: ${name}, image: example/${name}:1 }] }
`;

const namespace = (name: string, labels: string) => `
apiVersion: v1
kind: Namespace
metadata: { name: ${name}, labels: { ${labels} } }
`;

const one = (index: ResourceIndex, kind: (typeof K)[keyof typeof K], name: string): Resource => {
  const found = index.all(kind).find((r) => r.name === name);
  if (!found) throw new Error(`no ${kind.kind} ${name}`);
  return found;
};

describe("data plane of workloads and namespaces", () => {
  const index = indexOf(
    [
      namespace("amb", "istio.io/dataplane-mode: ambient"),
      namespace("both", "istio.io/dataplane-mode: ambient, istio-injection: enabled"),
      namespace("rev", "istio.io/dataplane-mode: ambient, istio.io/rev: canary"),
      namespace("plain", "team: a"),
      deployment("a", "amb", "app: a"),
      deployment("b", "amb", "app: b, istio.io/dataplane-mode: none"),
      deployment("c", "amb", 'app: c, sidecar.istio.io/inject: "true"'),
      deployment("d", "plain", "app: d, istio.io/dataplane-mode: ambient"),
      deployment("e", "plain", "app: e"),
      deployment("f", "undeclared", "app: f"),
      deployment("g", "undeclared", 'app: g, sidecar.istio.io/inject: "false"'),
      deployment("h", "rev", "app: h"),
    ].join("---\n"),
  );
  const w = (name: string) => index.workloads().all.find((x) => x.resource.name === name)!;

  it("reads ambient namespaces as Istio's analyzers do: injection and revision labels win", () => {
    expect(["amb", "both", "rev", "plain", "undeclared"].map((ns) => namespaceInAmbientMode(index, ns))).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it("lets the pod template opt in or out of ambient mode", () => {
    expect(["a", "b", "c", "d", "e"].map((n) => workloadInAmbient(index, w(n)))).toEqual([true, false, false, true, false]);
  });

  it("counts workloads of undeclared namespaces as in the mesh unless they opt out", () => {
    expect(["a", "e", "f", "g", "h"].map((n) => mayBeInMesh(index, w(n)))).toEqual([true, false, true, false, true]);
  });
});

describe("selector checks", () => {
  const yaml = [
    deployment("reviews", "shop", "app: reviews, version: v1"),
    `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: s1, namespace: shop }\nspec: { workloadSelector: { labels: { app: reviews } } }\n`,
    `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: s2, namespace: shop }\nspec: { workloadSelector: { labels: { version: v1 } } }\n`,
    `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: s3, namespace: web }\nspec: { workloadSelector: { labels: { version: v1 } } }\n`,
    `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: d1, namespace: shop }\nspec: {}\n`,
    `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: d2, namespace: shop }\nspec: {}\n`,
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: public, namespace: web }\nspec: { gatewayClassName: istio, infrastructure: { labels: { tier: edge } }, listeners: [] }\n`,
  ].join("---\n");
  const index = indexOf(yaml);
  const sidecars = index.all(K.Sidecar);

  it("pairs policies that select a common workload of their namespace", () => {
    const overlaps = selectorOverlaps(index, sidecars);
    expect([...overlaps].map(([p, o]) => `${p.name}:${o.others.map((x) => x.name).join(",")}:${o.workload.resource.name}`).sort()).toEqual([
      "s1:s2:reviews",
      "s2:s1:reviews",
    ]);
  });

  it("groups namespace-wide policies", () => {
    expect([...namespaceWidePolicies(sidecars)].map(([ns, list]) => `${ns}:${list.map((s) => s.name).join(",")}`)).toEqual(["shop:d1,d2"]);
  });

  it("knows whether the repository holds workloads (installation workloads do not count)", () => {
    expect(holdsWorkloads(index)).toBe(true);
    // Only the ingress gateway a standard installation provides: assumed, not in the repository.
    expect(holdsWorkloads(indexOf(`apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: s }\nspec: {}\n`))).toBe(false);
  });

  it("matches the pods Istio generates for Gateway API Gateways", () => {
    const byName = selectorFromLabels({ "gateway.networking.k8s.io/gateway-name": "public" });
    expect(generatedGatewayMatch(index, byName, "web")?.name).toBe("public");
    expect(generatedGatewayMatch(index, byName, "shop")).toBeUndefined();
    expect(generatedGatewayMatch(index, selectorFromLabels({ tier: "edge" }), undefined)?.name).toBe("public");
  });
});

describe("sidecar egress hosts", () => {
  const index = indexOf(
    [
      `apiVersion: v1\nkind: Service\nmetadata: { name: reviews, namespace: shop }\nspec: { ports: [{ port: 80 }] }\n`,
      `apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: { name: api, namespace: shop }\nspec: { hosts: [api.example.com], resolution: DNS, ports: [{ number: 443, name: tls, protocol: TLS }] }\n`,
      `apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: { name: s, namespace: web }\nspec: { egress: [{ hosts: ["shop/reviews.shop.svc.cluster.local", "./api.example.com", "web/*.example.com", "*/nope.example.com", "bad"] }] }\n`,
    ].join("---\n"),
  );
  const sidecar = one(index, K.Sidecar, "s");

  it("reads namespace/dnsName entries and skips malformed ones", () => {
    expect(egressHosts(sidecar).map((h) => `${h.namespace}|${h.dnsName}`)).toEqual([
      "shop|reviews.shop.svc.cluster.local",
      ".|api.example.com",
      "web|*.example.com",
      "*|nope.example.com",
    ]);
  });

  it("resolves each host the way Kiali and the way Istio read it", () => {
    const r = egressHosts(sidecar).map((h) => resolveEgressHost(index, sidecar, h));
    expect(r.map((x) => [x.registered, x.imported, x.elsewhere?.name ?? null])).toEqual([
      [true, true, null],
      [true, false, "api"],
      [false, false, "api"],
      [false, false, null],
    ]);
  });
});

describe("ambient policies", () => {
  const index = indexOf(
    [
      namespace("amb", "istio.io/dataplane-mode: ambient"),
      namespace("wp", "istio.io/dataplane-mode: ambient, istio.io/use-waypoint: waypoint"),
      deployment("a", "amb", "app: a, istio.io/use-waypoint: waypoint"),
      deployment("b", "wp", "app: b"),
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: l7, namespace: amb }\nspec: { selector: { matchLabels: { app: a } }, rules: [{ to: [{ operation: { paths: ["/x"] } }] }] }\n`,
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: l4, namespace: amb }\nspec: { rules: [{ to: [{ operation: { ports: ["80"] } }] }] }\n`,
      `apiVersion: security.istio.io/v1\nkind: AuthorizationPolicy\nmetadata: { name: ref, namespace: wp }\nspec: { targetRefs: [{ kind: Service, group: "", name: b }], rules: [{ from: [{ source: { requestPrincipals: ["*"] } }] }] }\n`,
    ].join("---\n"),
  );

  it("classifies L7 policies", () => {
    expect(["l7", "l4", "ref"].map((n) => isL7AuthorizationPolicy(one(index, K.AuthorizationPolicy, n)))).toEqual([true, false, true]);
  });

  it("finds selector attachment and waypoint enrollment", () => {
    expect(ambientAttachment(index, one(index, K.AuthorizationPolicy, "l7"))).toEqual({ withoutTargetRefs: true, notEnrolled: false });
    expect(ambientAttachment(index, one(index, K.AuthorizationPolicy, "l4"))).toEqual({ withoutTargetRefs: true, notEnrolled: true });
    expect(ambientAttachment(index, one(index, K.AuthorizationPolicy, "ref"))).toEqual({ withoutTargetRefs: false, notEnrolled: false });
  });

  it("lets the object's own use-waypoint label win over its namespace's", () => {
    expect(waypointEnrolled({ "istio.io/use-waypoint": "none" }, { "istio.io/use-waypoint": "w" })).toBe(false);
    expect(waypointEnrolled({}, { "istio.io/use-waypoint": "w" })).toBe(true);
    expect(waypointEnrolled(undefined, {})).toBe(false);
  });
});

describe("EnvoyFilter patches", () => {
  it("names the patched filter by the value's name, else by the listener match", () => {
    const index = indexOf(`
apiVersion: networking.istio.io/v1alpha3
kind: EnvoyFilter
metadata: { name: f, namespace: shop }
spec:
  configPatches:
    - applyTo: HTTP_FILTER
      match: { proxy: { proxyVersion: "^1\\\\.2.*" }, listener: { filterChain: { filter: { name: hcm } } } }
      patch: { operation: INSERT_BEFORE, value: { name: lua } }
    - applyTo: NETWORK_FILTER
      match: { listener: { filterChain: { filter: { name: hcm } } } }
      patch: { operation: MERGE, value: { typed_config: {} } }
    - applyTo: NETWORK_FILTER
      match: { listener: { filterChain: { filter: { name: hcm } } } }
      patch: { operation: REMOVE }
    - applyTo: CLUSTER
`);
    const patches = configPatches(one(index, K.EnvoyFilter, "f"));
    expect(patches.map((p) => `${p.index}:${p.operation}:${p.filterName}:${p.proxyVersion}`)).toEqual([
      "0:INSERT_BEFORE:lua:true",
      "1:MERGE:hcm:false",
      "2:REMOVE::false",
    ]);
  });
});
