import { describe, expect, it } from "vitest";
import { headerMatchLists, headerModifiers } from "../../src/gateway-api/headers.js";
import { type Listener, admissionProblem, namespaceLabels, selectListeners } from "../../src/gateway-api/listeners.js";
import { BackendTLSPolicy, ListenerSet, backendRefs, isGatewayAttached, parentRefs, referenceGranted } from "../../src/gateway-api/references.js";
import { backendTLSTargets, caConfigMapRefs } from "../../src/gateway-api/backend-tls.js";
import { classWithoutListenerSets, listenerSetParent, listenersAllowed } from "../../src/gateway-api/listener-sets.js";
import { K, type KindKey } from "../../src/model/kinds.js";
import type { Resource } from "../../src/model/resource.js";
import { indexOf } from "../helpers/index.js";

const one = (yaml: string, kind = K.HTTPRoute): Resource => {
  const r = indexOf(yaml).all(kind)[0];
  if (!r) throw new Error("no resource");
  return r;
};

describe("Gateway API references", () => {
  it("defaults parentRefs to a Gateway of the route's namespace and reads Linkerd's core group as the core group", () => {
    const route = one(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: shop }
spec:
  parentRefs:
    - name: gw
    - { group: core, kind: Service, name: shop, port: 80 }
    - { kind: Service, name: nogroup }
    - { group: policy.linkerd.io, kind: EgressNetwork, name: egress, namespace: egress, sectionName: x }
    - { namespace: no-name }
`);
    const refs = parentRefs(route);
    expect(refs.map((r) => [r.group, r.kind, r.namespace, r.target])).toEqual([
      ["gateway.networking.k8s.io", "Gateway", "shop", "gateway"],
      ["", "Service", "shop", "service"],
      ["gateway.networking.k8s.io", "Service", "shop", "other"],
      ["policy.linkerd.io", "EgressNetwork", "egress", "egressnetwork"],
    ]);
    expect(refs[1]?.port).toBe(80);
    expect(refs[2]?.groupWritten).toBe(false);
    expect(refs[3]?.sectionName).toBe("x");
    expect(isGatewayAttached(route)).toBe(true);
  });

  it("lists backends with their defaults, including request mirrors, and weights defaulting to 1", () => {
    const route = one(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: shop }
spec:
  parentRefs: [{ group: "", kind: Service, name: shop }]
  rules:
    - filters:
        - { type: RequestMirror, requestMirror: { backendRef: { name: shadow, port: 80 } } }
      backendRefs:
        - name: a
          port: 80
          filters:
            - { type: RequestMirror, requestMirror: { backendRef: { name: shadow2, namespace: other, port: 80 } } }
        - { name: b, port: 80, weight: 0, kind: ServiceImport, group: multicluster.x-k8s.io }
`);
    expect(isGatewayAttached(route)).toBe(false);
    expect(backendRefs(route).map((b) => [b.name, b.namespace, b.target, b.weight, b.mirror, b.rule])).toEqual([
      ["a", "shop", "service", 1, false, 0],
      ["shadow2", "other", "service", 0, true, 0],
      ["b", "shop", "other", 0, false, 0],
      ["shadow", "shop", "service", 0, true, 0],
    ]);
  });

  it("finds ReferenceGrants by from (group, kind, namespace) and to (group, kind, optional name)", () => {
    const index = indexOf(`apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: g, namespace: target }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: web }]
  to: [{ group: "", kind: Service, name: reviews }]
`);
    const from = { group: "gateway.networking.k8s.io", kind: "HTTPRoute", namespace: "web" };
    const to = { group: "", kind: "Service", namespace: "target", name: "reviews" };
    expect(referenceGranted(index, from, to)).toBe(true);
    expect(referenceGranted(index, from, { ...to, name: "ratings" })).toBe(false);
    expect(referenceGranted(index, { ...from, kind: "GRPCRoute" }, to)).toBe(false);
    expect(referenceGranted(index, { ...from, namespace: "target" }, { ...to, name: "anything" })).toBe(true);
  });
});

describe("Gateway API listeners", () => {
  const index = indexOf(`apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { access: "yes" } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: gw, namespace: infra }
spec:
  gatewayClassName: istio
  listeners:
    - { name: same, protocol: HTTP, port: 80 }
    - name: selected
      protocol: HTTP
      port: 8080
      hostname: "*.example.com"
      allowedRoutes: { namespaces: { from: Selector, selector: { matchLabels: { access: "yes" } } } }
    - { name: tcp, protocol: TCP, port: 5432, allowedRoutes: { namespaces: { from: All } } }
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r, namespace: shop }
spec:
  parentRefs: [{ name: gw, namespace: infra }]
  hostnames: [a.example.com]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r2, namespace: cart }
spec:
  parentRefs: [{ name: gw, namespace: infra, sectionName: selected }]
  hostnames: [a.example.org]
`);
  const gw = index.get(K.KubernetesGateway, "infra", "gw") as Resource;
  const route = index.get(K.HTTPRoute, "shop", "r") as Resource;
  const other = index.get(K.HTTPRoute, "cart", "r2") as Resource;

  it("selects listeners by sectionName and port", () => {
    const [ref] = parentRefs(route);
    if (!ref) throw new Error("no ref");
    expect((selectListeners(ref, gw) as unknown[]).length).toBe(3);
    expect(selectListeners({ ...ref, sectionName: "nope" }, gw)).toBe("sectionNotFound");
    expect(selectListeners({ ...ref, sectionName: "same", port: 8080 }, gw)).toBe("portNotFound");
  });

  it("admits by namespace labels, kinds of the protocol and hostnames", () => {
    const [ref] = parentRefs(route);
    if (!ref) throw new Error("no ref");
    const listeners = selectListeners(ref, gw) as Listener[];
    expect(admissionProblem(index, route, listeners, gw)).toBeUndefined();
    const tcp = selectListeners({ ...ref, sectionName: "tcp" }, gw) as typeof listeners;
    expect(admissionProblem(index, route, tcp, gw)).toBe("kind");
    const same = selectListeners({ ...ref, sectionName: "same" }, gw) as typeof listeners;
    expect(admissionProblem(index, route, same, gw)).toBe("namespace");
    // cart is not declared: its labels are unknown, so the selector is not judged; the hostname is.
    const [otherRef] = parentRefs(other);
    if (!otherRef) throw new Error("no ref");
    const selected = selectListeners(otherRef, gw) as typeof listeners;
    expect(admissionProblem(index, other, selected, gw)).toBe("hostname");
  });

  it("knows the labels of declared namespaces, and only the name label of others", () => {
    expect(namespaceLabels(index, "shop")).toEqual({ labels: { access: "yes", "kubernetes.io/metadata.name": "shop" }, complete: true });
    expect(namespaceLabels(index, "cart")).toEqual({ labels: { "kubernetes.io/metadata.name": "cart" }, complete: false });
    expect(namespaceLabels(index, "default").complete).toBe(false);
  });
});

describe("Gateway API headers", () => {
  it("lists header matches per match and header modifier entries per filter", () => {
    const route = one(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: r }
spec:
  rules:
    - matches:
        - headers: [{ name: A, value: "1" }, { name: a, value: "2" }]
      filters:
        - type: RequestHeaderModifier
          requestHeaderModifier: { set: [{ name: X, value: "1" }], remove: [x] }
`);
    expect(headerMatchLists(route).map((l) => l.map((h) => h.name))).toEqual([["A", "a"]]);
    expect(headerModifiers(route).map((l) => l.map((h) => `${h.list}:${h.name}`))).toEqual([["set:X", "remove:x"]]);
  });
});

describe("ListenerSets and BackendTLSPolicies", () => {
  const gateway = (name: string, className: string, allowed = "") =>
    `apiVersion: gateway.networking.k8s.io/v1\nkind: Gateway\nmetadata: { name: ${name}, namespace: infra }\nspec: { gatewayClassName: ${className}, ${allowed} listeners: [{ name: http, port: 80, protocol: HTTP }] }\n`;
  const index = indexOf(
    [
      `apiVersion: v1\nkind: Namespace\nmetadata: { name: team, labels: { shared: "yes" } }\n`,
      gateway("none", "istio"),
      gateway("same", "istio", "allowedListeners: { namespaces: { from: Same } },"),
      gateway("selected", "istio", 'allowedListeners: { namespaces: { from: Selector, selector: { matchLabels: { shared: "yes" } } } },'),
      gateway("waypoint", "istio-waypoint"),
      `apiVersion: gateway.networking.k8s.io/v1\nkind: ListenerSet\nmetadata: { name: ls, namespace: team }\nspec: { parentRef: { name: selected, namespace: infra }, listeners: [{ name: http, port: 8080, protocol: HTTP }] }\n`,
      `apiVersion: gateway.networking.k8s.io/v1\nkind: BackendTLSPolicy\nmetadata: { name: p, namespace: team }\nspec:\n  targetRefs: [{ group: core, kind: Service, name: a, sectionName: https }, { group: networking.istio.io, kind: ServiceEntry, name: b }, { group: example.com, kind: Backend, name: c }]\n  validation: { caCertificateRefs: [{ group: "", kind: ConfigMap, name: ca }, { group: "", kind: Secret, name: s }], hostname: a.example.com }\n`,
    ].join("---\n"),
  );
  const find = (kind: KindKey, name: string): Resource => {
    const r = index.all(kind).find((x) => x.name === name);
    if (!r) throw new Error(`no ${kind.kind} ${name}`);
    return r;
  };
  const gw = (name: string) => find(K.KubernetesGateway, name);

  it("defaults a ListenerSet's parent and reads a Gateway's allowedListeners (none by default)", () => {
    expect(listenerSetParent(find(ListenerSet, "ls"))).toMatchObject({ group: "gateway.networking.k8s.io", kind: "Gateway", name: "selected", namespace: "infra" });
    expect(["none", "same", "selected"].map((n) => listenersAllowed(index, gw(n), "team"))).toEqual([false, false, true]);
    expect(listenersAllowed(index, gw("same"), "infra")).toBe(true);
    expect(listenersAllowed(index, gw("selected"), "undeclared")).toBeUndefined();
    expect(classWithoutListenerSets(index, gw("waypoint"))?.name).toBe("istio-waypoint");
    expect(classWithoutListenerSets(index, gw("same"))).toBeUndefined();
  });

  it("reads BackendTLSPolicy targets (core group spelled core too) and ConfigMap CA references", () => {
    const p = find(BackendTLSPolicy, "p");
    expect(backendTLSTargets(p).map((t) => [t.kind, t.resolvesTo?.kind, t.sectionName])).toEqual([
      ["Service", "Service", "https"],
      ["ServiceEntry", "ServiceEntry", undefined],
      ["Backend", undefined, undefined],
    ]);
    expect(caConfigMapRefs(p).map((r) => r.name)).toEqual(["ca"]);
  });
});
