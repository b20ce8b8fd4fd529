import { describe, expect, it } from "vitest";
import { policiesApplyingTo, policyAppliesTo, policyTarget, policyWorkloads } from "../../src/istio/policy-targets.js";
import { namespacePeerAuthentication, workloadPeerAuthentication, workloadPeerAuthentications } from "../../src/istio/mtls.js";
import { K, type KindKey } from "../../src/model/kinds.js";
import { indexOf } from "../helpers/index.js";

const workload = (name: string, namespace: string, labels: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: { ${labels} } }
  template:
    metadata: { labels: { ${labels} } }
    spec: { containers: [{ name: app, image: example/${name}:1 }] }
`;

const policy = (kind: string, name: string, namespace: string, spec: string) => `
apiVersion: security.istio.io/v1
kind: ${kind}
metadata: { name: ${name}, namespace: ${namespace} }
spec: ${spec}
`;

const world = [
  workload("reviews", "shop", "app: reviews"),
  workload("ratings", "shop", "app: ratings"),
  workload("reviews", "blog", "app: reviews"),
  workload("edge", "shop", "gateway.networking.k8s.io/gateway-name: edge"),
  workload("istiod", "istio-system", "app: istiod"),
  policy("AuthorizationPolicy", "mesh", "istio-system", "{}"),
  policy("AuthorizationPolicy", "root-reviews", "istio-system", "{ selector: { matchLabels: { app: reviews } } }"),
  policy("AuthorizationPolicy", "shop-wide", "shop", "{}"),
  policy("AuthorizationPolicy", "shop-reviews", "shop", "{ selector: { matchLabels: { app: reviews } } }"),
  policy("AuthorizationPolicy", "blog-reviews", "blog", "{ selector: { matchLabels: { app: reviews } } }"),
  policy("AuthorizationPolicy", "edge", "shop", "{ targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }] }"),
  policy("AuthorizationPolicy", "other-edge", "blog", "{ targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }] }"),
  policy("PeerAuthentication", "root-reviews", "istio-system", "{ selector: { matchLabels: { app: reviews } } }"),
  policy("PeerAuthentication", "shop-reviews", "shop", "{ selector: { matchLabels: { app: reviews } } }"),
  policy("RequestAuthentication", "root-reviews", "istio-system", "{ selector: { matchLabels: { app: reviews } } }"),
].join("---\n");

describe("policies applying to a workload", () => {
  const index = indexOf(world);
  const pods = index.workloads().all;
  const pod = (namespace: string, name: string) => {
    const found = pods.find((w) => w.namespace === namespace && w.resource.name === name);
    if (!found) throw new Error(`no workload ${namespace}/${name}`);
    return found;
  };
  const names = (kind: KindKey, namespace: string, name: string) =>
    policiesApplyingTo(index, kind, pod(namespace, name)).map((p) => `${p.namespace}/${p.name}`);

  it("takes the pod's namespace first, then the root namespace: mesh-wide, namespace-wide, selectors", () => {
    expect(names(K.AuthorizationPolicy, "shop", "reviews")).toEqual(["shop/shop-wide", "shop/shop-reviews", "istio-system/mesh", "istio-system/root-reviews"]);
    expect(names(K.AuthorizationPolicy, "shop", "ratings")).toEqual(["shop/shop-wide", "istio-system/mesh"]);
    expect(names(K.AuthorizationPolicy, "blog", "reviews")).toEqual(["blog/blog-reviews", "istio-system/mesh", "istio-system/root-reviews"]);
    expect(names(K.AuthorizationPolicy, "istio-system", "istiod")).toEqual(["istio-system/mesh"]);
  });

  it("attaches a targetRef to a Gateway API Gateway to that gateway's pods of its own namespace only", () => {
    expect(names(K.AuthorizationPolicy, "shop", "edge")).toEqual(["shop/shop-wide", "shop/edge", "istio-system/mesh"]);
  });

  it("by kind: a root-namespace selector is mesh-wide for RequestAuthentication, not for PeerAuthentication", () => {
    expect(names(K.RequestAuthentication, "shop", "reviews")).toEqual(["istio-system/root-reviews"]);
    expect(names(K.PeerAuthentication, "shop", "reviews")).toEqual(["shop/shop-reviews"]);
    expect(names(K.PeerAuthentication, "blog", "reviews")).toEqual([]);
  });

  it("policyWorkloads is the same question asked from the policy's side", () => {
    for (const kind of [K.AuthorizationPolicy, K.PeerAuthentication, K.RequestAuthentication]) {
      for (const p of index.all(kind)) {
        const selected = policyWorkloads(index, p);
        if (policyTarget(p).kind === "targetRefs") {
          expect(selected).toBeUndefined();
          continue;
        }
        const expected = pods.filter((w) => policyAppliesTo(index, p, w)).map((w) => w.resource.id).sort();
        expect([...(selected ?? [])].map((w) => w.resource.id).sort(), `${p.kind} ${p.namespace}/${p.name}`).toEqual(expected);
      }
    }
  });
});

describe("the PeerAuthentication Istio applies to a workload", () => {
  const stamped = (name: string, namespace: string, created: string, labels: string) => `
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: ${name}, namespace: ${namespace}, creationTimestamp: "${created}" }
spec: { selector: { matchLabels: { ${labels} } }, mtls: { mode: STRICT } }
`;
  const index = indexOf([
    workload("reviews", "shop", "app: reviews, version: v1"),
    workload("istiod", "istio-system", "app: istiod"),
    stamped("a-newer", "shop", "2026-03-01T00:00:00Z", "app: reviews"),
    stamped("z-older", "shop", "2026-01-01T00:00:00Z", "version: v1"),
    stamped("b-unstamped", "shop", "", "app: reviews"),
    stamped("root-istiod", "istio-system", "2026-01-01T00:00:00Z", "app: istiod"),
    policy("PeerAuthentication", "b-wide", "shop", "{ mtls: { mode: STRICT } }"),
    policy("PeerAuthentication", "a-wide", "shop", "{ mtls: { mode: DISABLE } }"),
  ].join("---\n"));
  const pod = (name: string) => {
    const found = index.workloads().all.find((w) => w.resource.name === name);
    if (!found) throw new Error(`no workload ${name}`);
    return found;
  };

  it("orders competing selectors oldest first (a manifest without a creation time first), then by name", () => {
    expect(workloadPeerAuthentications(index, pod("reviews")).map((p) => p.name)).toEqual(["b-unstamped", "z-older", "a-newer"]);
    expect(workloadPeerAuthentication(index, pod("reviews"))?.name).toBe("b-unstamped");
  });

  it("takes the oldest namespace-wide one too (by name when none carries a creation time)", () => {
    expect(namespacePeerAuthentication(index, "shop")?.name).toBe("a-wide");
  });

  it("never applies a root-namespace PeerAuthentication with a selector", () => {
    expect(workloadPeerAuthentications(index, pod("istiod"))).toEqual([]);
  });
});
