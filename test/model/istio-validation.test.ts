import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inspectJwks, conditionKeyProblem, httpOnlyDenyRule, pathTemplateProblem } from "../../src/validation/security.js";
import {
  type Sink,
  checkDuration,
  firstEarlierOverlaps,
  fqdnProblem,
  headerValueProblem,
  hostIsSubsetOf,
  hostNamesOverlap,
  isIpOrCidr,
  isPartialWildcard,
  parseProtocol,
  regexCompileProblem,
  wildcardDomainProblem,
} from "../../src/validation/common.js";

function collect<M extends string>(): { sink: Sink<M>; found: string[] } {
  const found: string[] = [];
  return {
    found,
    sink: { error: (_p, id) => found.push(`error:${id}`), warn: (_p, id) => found.push(`warning:${id}`) },
  };
}

describe("duplicate VirtualService hosts", () => {
  const naive = (hosts: string[]) => hosts.map((b, j) => hosts.slice(0, j).findIndex((a) => hostNamesOverlap(a, b)));

  it("finds the first earlier overlapping host as a pairwise comparison does (property)", () => {
    const label = fc.constantFrom("a", "b", "ab", "x");
    const name = fc.array(label, { minLength: 1, maxLength: 3 }).map((labels) => labels.join("."));
    const host = fc.oneof(name, name.map((n) => `*.${n}`), name.map((n) => `*${n}`), fc.constant("*"));
    fc.assert(
      fc.property(fc.array(host, { maxLength: 12 }), (hosts) => {
        expect(firstEarlierOverlaps(hosts)).toEqual(naive(hosts));
      }),
      { seed: 17, numRuns: 500 },
    );
  });

  it("checks 100,000 hosts without comparing every pair (regression)", () => {
    const hosts = Array.from({ length: 100_000 }, (_, i) => (i % 2 ? `*.h${i}.example.com` : `h${i}.example.com`));
    const first = firstEarlierOverlaps([...hosts, "*.example.com"]);
    expect(first.slice(0, -1).every((f) => f === -1)).toBe(true);
    expect(first.at(-1)).toBe(0);
  });
});

describe("Istio webhook validation helpers", () => {
  it("validates DNS names the way Istio does", () => {
    expect(wildcardDomainProblem("reviews.shop.svc.cluster.local")).toBeUndefined();
    expect(wildcardDomainProblem("*.example.com")).toBeUndefined();
    expect(wildcardDomainProblem("*foo.example.com")).toBeUndefined();
    expect(wildcardDomainProblem("Upper.Example.com")).toBeUndefined();
    expect(wildcardDomainProblem("istio.io.")).toBeUndefined();
    expect(wildcardDomainProblem("foo*.example.com")).toMatch(/label "foo\*"/);
    expect(wildcardDomainProblem("bad_host.example.com")).toMatch(/bad_host/);
    expect(wildcardDomainProblem("example.123")).toMatch(/all-numeric/);
    expect(wildcardDomainProblem("")).toBe("empty");
    expect(fqdnProblem("*.example.com")).toMatch(/label "\*"/);
    expect(isPartialWildcard("*foo.com")).toBe(true);
    expect(isPartialWildcard("*.foo.com")).toBe(false);
    expect(isPartialWildcard("*")).toBe(false);
  });

  it("matches hosts like host.Name.Matches and SubsetOf", () => {
    expect(hostNamesOverlap("*.example.com", "api.example.com")).toBe(true);
    expect(hostNamesOverlap("*.com", "*.example.com")).toBe(true);
    expect(hostNamesOverlap("a.example.com", "b.example.com")).toBe(false);
    expect(hostNamesOverlap("*", "10.0.0.1")).toBe(true);
    expect(hostIsSubsetOf("api.example.com", "*.example.com")).toBe(true);
    expect(hostIsSubsetOf("*.example.com", "api.example.com")).toBe(false);
    expect(hostIsSubsetOf("*.a.example.com", "*.example.com")).toBe(true);
  });

  it("parses IPs, CIDRs and protocols", () => {
    expect(isIpOrCidr("10.0.0.0/8")).toBe(true);
    expect(isIpOrCidr("2001:db8::/32")).toBe(true);
    expect(isIpOrCidr("10.0.0.1")).toBe(true);
    expect(isIpOrCidr("10.0.0.0/33")).toBe(false);
    expect(isIpOrCidr("example.com")).toBe(false);
    expect(parseProtocol("GRPC-Web")).toBe("grpc-web");
    expect(parseProtocol("QUIC")).toBeUndefined();
  });

  it("follows Envoy's header value parser", () => {
    expect(headerValueProblem("plain")).toBeUndefined();
    expect(headerValueProblem("100%%")).toBeUndefined();
    expect(headerValueProblem("%HOSTNAME%")).toBeUndefined();
    expect(headerValueProblem("prefix %START_TIME(%s)% suffix")).toBeUndefined();
    expect(headerValueProblem('%REQ(["x-a", "x-b"])%')).toBeUndefined();
    expect(headerValueProblem("100%")).toMatch(/unescaped/);
    expect(headerValueProblem("abc%123")).toMatch(/unterminated/);
    expect(headerValueProblem("a\u0001b")).toMatch(/control character/);
  });

  it("checks durations to the millisecond, and what the CRD leaves unchecked", () => {
    const run = (value: string, cel: boolean, zeroAllowed = false) => {
      const { sink, found } = collect<"durationPrecision" | "durationTooShort" | "durationInvalid">();
      checkDuration(sink, [], "f", value, { cel, zeroAllowed });
      return found;
    };
    expect(run("1.5s", true)).toEqual([]);
    expect(run("1500us", true)).toEqual(["error:durationPrecision"]);
    expect(run("10us", true)).toEqual([]);
    expect(run("10us", false)).toEqual(["error:durationTooShort"]);
    expect(run("0s", false, true)).toEqual([]);
    expect(run("soon", false)).toEqual(["error:durationInvalid"]);
    expect(run("soon", true)).toEqual([]);
  });

  it("compiles regexes with RE2 syntax", () => {
    expect(regexCompileProblem("^/api/(v1|v2)$")).toBeUndefined();
    expect(regexCompileProblem("(?=lookahead)")).toBeDefined();
    expect(regexCompileProblem("(open")).toMatch(/missing closing \)/);
  });

  it("knows AuthorizationPolicy attributes, path templates and the DENY-on-TCP condition", () => {
    expect(conditionKeyProblem("request.headers[x-user]")).toBeUndefined();
    expect(conditionKeyProblem("request.headers[]")).toMatch(/name\[key\]/);
    expect(conditionKeyProblem("source.trustDomain")).toBeUndefined();
    expect(conditionKeyProblem("destination.name")).toMatch(/v1alpha1/);
    expect(conditionKeyProblem("request.method")).toMatch(/not a known attribute/);
    expect(pathTemplateProblem("/api/{*}/x/{**}")).toBeUndefined();
    expect(pathTemplateProblem("/{**}/path/template")).toBeUndefined();
    expect(pathTemplateProblem("/api/{*}/{name}")).toBeDefined();
    expect(pathTemplateProblem("/api/*/x")).toBeUndefined();
    expect(pathTemplateProblem("/api/{*}/*")).toBeDefined();
    expect(httpOnlyDenyRule({ to: [{ operation: { methods: ["GET"] } }] })).toBe(true);
    expect(httpOnlyDenyRule({ to: [{ operation: { methods: ["GET"], ports: ["80"] } }] })).toBe(false);
    expect(httpOnlyDenyRule({ from: [{ source: { requestPrincipals: ["*"] } }] })).toBe(true);
    expect(httpOnlyDenyRule({ from: [{ source: { namespaces: ["a"] } }] })).toBe(false);
    expect(httpOnlyDenyRule({ from: [{ source: { namespaces: ["a"] } }], to: [{ operation: { paths: ["/x"] } }] })).toBe(true);
    expect(httpOnlyDenyRule({ when: [{ key: "request.auth.claims[iss]", values: ["x"] }] })).toBe(false);
  });

  it("parses inline JWKS", () => {
    expect(inspectJwks('{"keys": [{"kty": "RSA", "n": "x", "e": "AQAB"}]}')).toEqual({ privateKey: false });
    expect(inspectJwks('{"kty": "EC", "crv": "P-256", "x": "a", "y": "b", "d": "c"}')).toEqual({ privateKey: true });
    expect(inspectJwks("[]").problem).toBeDefined();
    expect(inspectJwks("{").problem).toBe("it is not valid JSON");
  });
});
