import { describe, expect, it } from "vitest";
import { hostMatchesPattern, hostsIntersect, qualifyHost } from "../../src/model/hostnames.js";
import { indexOf } from "../helpers/index.js";
import { canonicalHost, resolveHost, trustDomainHint } from "../../src/istio/hosts.js";

const world = `
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec: { ports: [{ port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata:
  name: private
  namespace: shop
  annotations: { networking.istio.io/exportTo: "." }
spec: { ports: [{ port: 80 }] }
---
apiVersion: v1
kind: Service
metadata:
  name: shared
  namespace: shop
  annotations: { networking.istio.io/exportTo: "web, billing" }
spec: { ports: [{ port: 80 }] }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: wild, namespace: shop }
spec: { hosts: ["*.example.com", "api.example.com"], ports: [{ number: 443, name: tls, protocol: TLS }] }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: deeper, namespace: shop }
spec: { hosts: ["*.eu.example.com"], exportTo: ["~"] }
`;

describe("host table", () => {
  const index = indexOf(world);
  const owner = (host: string, from: string) => resolveHost(index, host, from).entries.map((e) => `${e.resource.kind}/${e.resource.name}:${e.host}`);

  it("resolves short names in the referrer's namespace, name.ns, name.ns.svc and FQDNs", () => {
    expect(owner("reviews", "shop")).toEqual(["Service/reviews:reviews.shop.svc.cluster.local"]);
    expect(owner("reviews", "web")).toEqual([]);
    expect(owner("reviews.shop", "web")).toEqual(["Service/reviews:reviews.shop.svc.cluster.local"]);
    expect(owner("reviews.shop.svc", "web")).toEqual(["Service/reviews:reviews.shop.svc.cluster.local"]);
    expect(owner("REVIEWS.shop.svc.cluster.local", "web")).toEqual(["Service/reviews:reviews.shop.svc.cluster.local"]);
    // "shop2" is no namespace, so "reviews.shop2" is an external-style host.
    expect(owner("reviews.shop2", "web")).toEqual([]);
  });

  it("honours exportTo on Services (annotation) and ServiceEntries", () => {
    expect(owner("private.shop.svc.cluster.local", "shop")).toHaveLength(1);
    expect(owner("private.shop.svc.cluster.local", "web")).toEqual([]);
    expect(resolveHost(index, "private.shop.svc.cluster.local", "web").hidden.map((e) => e.resource.name)).toEqual(["private"]);
    expect(owner("shared.shop.svc.cluster.local", "billing")).toHaveLength(1);
    expect(owner("shared.shop.svc.cluster.local", "shop")).toEqual([]);
  });

  it("prefers exact ServiceEntry hosts, then the most specific visible wildcard", () => {
    expect(owner("api.example.com", "web")).toEqual(["ServiceEntry/wild:api.example.com"]);
    expect(owner("cdn.example.com", "web")).toEqual(["ServiceEntry/wild:*.example.com"]);
    // *.eu.example.com is more specific but exported nowhere, so *.example.com answers.
    expect(owner("x.eu.example.com", "web")).toEqual(["ServiceEntry/wild:*.example.com"]);
    expect(owner("example.com", "web")).toEqual([]);
  });

  it("uses the configured cluster domain and external hosts", () => {
    const custom = indexOf(world, { clusterDomain: "corp.internal", externalHosts: ["*.legacy.corp"] });
    expect(resolveHost(custom, "reviews", "shop").fqdn).toBe("reviews.shop.svc.corp.internal");
    expect(resolveHost(custom, "reviews", "shop").entries).toHaveLength(1);
    expect(resolveHost(custom, "reviews.shop.svc.cluster.local", "shop").entries).toEqual([]);
    expect(resolveHost(custom, "db.legacy.corp", "shop")).toMatchObject({ entries: [], external: true });
  });

  it("expands a short name in the writer's namespace and applies exportTo in the client's", () => {
    expect(resolveHost(index, "private", "shop", "web")).toMatchObject({ fqdn: "private.shop.svc.cluster.local", entries: [] });
    expect(resolveHost(index, "private", "shop", "web").hidden.map((e) => e.resource.name)).toEqual(["private"]);
    expect(resolveHost(index, "shared", "shop", "billing").entries).toHaveLength(1);
  });

  it("gives one canonical host for every spelling, whether or not the Service is here", () => {
    for (const h of ["reviews", "reviews.shop", "reviews.shop.svc", "Reviews.Shop.svc.cluster.local"]) {
      expect(canonicalHost(index, h, "shop")).toBe("reviews.shop.svc.cluster.local");
    }
    expect(canonicalHost(index, "ghost.shop", "web")).toBe("ghost.shop.svc.cluster.local");
    expect(canonicalHost(index, "ghost.shop2", "web")).toBe("ghost.shop2");
    expect(canonicalHost(index, "cdn.example.com", "web")).toBe("cdn.example.com");
    expect(canonicalHost(index, "*.shop", "web")).toBe("*.shop");
  });

  it("never reads the trust domain as the cluster domain (Istio names Services in the cluster domain only)", () => {
    const mesh = indexOf(world, { meshConfig: { trustDomain: "example.org" } });
    const found = resolveHost(mesh, "reviews.shop.svc.example.org", "web");
    expect(found).toMatchObject({ host: "reviews.shop.svc.example.org", entries: [], external: false });
    expect(canonicalHost(mesh, "reviews.shop.svc.example.org", "shop")).not.toBe(canonicalHost(mesh, "reviews", "shop"));
    expect(trustDomainHint(mesh, "reviews.shop.svc.example.org")).toContain('cluster domain ("cluster.local")');
    expect(trustDomainHint(mesh, "reviews.shop.svc.cluster.local")).toBeUndefined();
    // When the cluster domain is the trust domain, that spelling is the Service's FQDN.
    const same = indexOf(world, { clusterDomain: "example.org", meshConfig: { trustDomain: "example.org" } });
    expect(resolveHost(same, "reviews.shop.svc.example.org", "web").entries.map((e) => e.resource.name)).toEqual(["reviews"]);
    expect(trustDomainHint(same, "reviews.shop.svc.example.org")).toBeUndefined();
  });

  it("matches and intersects wildcard hosts like Istio", () => {
    expect(qualifyHost("a", "ns", "cluster.local")).toBe("a.ns.svc.cluster.local");
    expect(qualifyHost("*.a.com", "ns", "cluster.local")).toBe("*.a.com");
    expect(hostMatchesPattern("a.b.com", "*.b.com")).toBe(true);
    expect(hostMatchesPattern("b.com", "*.b.com")).toBe(false);
    expect(hostMatchesPattern("anything", "*")).toBe(true);
    expect(hostsIntersect("*.b.com", "*.a.b.com")).toBe(true);
    expect(hostsIntersect("*.b.com", "a.c.com")).toBe(false);
    expect(hostsIntersect("a.b.com", "*.b.com")).toBe(true);
  });
});
