import { describe, expect, it } from "vitest";
import { hostMatchesPattern, hostsIntersect, qualifyHost } from "../../src/model/hostnames.js";
import { indexOf } from "../helpers/index.js";
import { hostTable } from "../../src/istio/hosts.js";

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
  const hosts = hostTable(indexOf(world));
  const owner = (host: string, from: string) => hosts.lookup(host, from).entries.map((e) => `${e.resource.kind}/${e.resource.name}:${e.host}`);

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
    expect(hosts.lookup("private.shop.svc.cluster.local", "web").hidden.map((e) => e.resource.name)).toEqual(["private"]);
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
    const custom = hostTable(indexOf(world, { clusterDomain: "corp.internal", externalHosts: ["*.legacy.corp"] }));
    expect(custom.lookup("reviews", "shop").fqdn).toBe("reviews.shop.svc.corp.internal");
    expect(custom.lookup("reviews", "shop").entries).toHaveLength(1);
    expect(custom.lookup("db.legacy.corp", "shop")).toMatchObject({ entries: [], external: true });
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
