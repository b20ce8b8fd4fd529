import { describe, expect, it } from "vitest";
import { egressOverlap } from "../../src/linkerd/egress.js";
import { identityProblem, networkIssues, parseNetwork } from "../../src/linkerd/policy-validation.js";
import { isLinkerdDuration, retryTimeoutProblems } from "../../src/linkerd/route-annotations.js";
import { rustHeaderValueProblem } from "../../src/linkerd/route-validation.js";

describe("Linkerd identities", () => {
  it.each([
    "*",
    "web.shop.serviceaccount.identity.linkerd.cluster.local",
    "*.shop.serviceaccount.identity.linkerd.cluster.local",
    "spiffe://example.org",
    "spiffe://example.org/ns/shop/sa/web",
    "spiffe://root.linkerd.cluster.local/Vm_1",
  ])("accepts %s", (id) => expect(identityProblem(id)).toBeUndefined());

  it.each([
    "Web.shop",
    "web.*.cluster.local",
    "web..local",
    "spiffe://Example.org",
    "spiffe://example.org/",
    "spiffe://example.org/a//b",
    "spiffe://example.org/./a",
    "spiffe://example.org/a/..",
    "spiffe://example.org/a b",
  ])("refuses %s", (id) => expect(identityProblem(id)).toBeDefined());
});

describe("Linkerd networks", () => {
  it("reads CIDRs and bare addresses", () => {
    expect(parseNetwork("10.0.0.0/8")?.bits).toBe(8);
    expect(parseNetwork("10.1.2.3")?.bits).toBe(32);
    expect(parseNetwork("fd00::1")?.bits).toBe(128);
    expect(parseNetwork("10.0.0.0/33")).toBeUndefined();
  });

  it("checks excepts against their cidr", () => {
    const ids = (networks: unknown) => networkIssues(networks, ["spec", "networks"]).map((i) => i.messageId);
    expect(ids(undefined)).toEqual([]);
    expect(ids([])).toEqual(["networksEmpty"]);
    expect(ids([{ cidr: "10.0.0.0/8", except: ["10.1.0.0/16", "11.0.0.0/8", "10.0.0.0/8", "0.0.0.0/0", "x"] }])).toEqual([
      "exceptOutside",
      "exceptCoversAll",
      "exceptCoversAll",
      "exceptInvalid",
    ]);
  });

  it("finds overlapping egress networks, minus carved-out excepts", () => {
    const net = (cidr: string, except: string[] = []) => ({
      cidr: parseNetwork(cidr)!,
      except: except.map((e) => parseNetwork(e)!),
      text: cidr,
      path: [],
    });
    expect(egressOverlap(undefined, undefined)).toBeDefined();
    expect(egressOverlap(undefined, [net("10.1.0.0/16")])).toBeUndefined();
    expect(egressOverlap(undefined, [net("203.0.113.0/24")])).toBeDefined();
    expect(egressOverlap([net("198.51.100.0/24")], [net("198.51.100.128/25")])).toBeDefined();
    expect(egressOverlap([net("198.51.100.0/24", ["198.51.100.128/25"])], [net("198.51.100.128/25")])).toBeUndefined();
    expect(egressOverlap([net("198.51.100.0/25")], [net("198.51.100.128/25")])).toBeUndefined();
  });
});

describe("Linkerd retry and timeout annotations", () => {
  it.each(["0", "10ms", "5s", "2m", "1h", "7d", " 3s "])("accepts duration %s", (d) => expect(isLinkerdDuration(d)).toBe(true));
  it.each(["1m30s", "1.5s", "10", "-1s", "s", "5us", ""])("refuses duration %s", (d) => expect(isLinkerdDuration(d)).toBe(false));

  it("parses the HTTP and gRPC retry conditions", () => {
    const keys = (a: Record<string, string>, grpc = false) => retryTimeoutProblems(a, grpc).map((p) => p.key);
    expect(keys({ "retry.linkerd.io/http": "5xx,gateway-error,429,500-504" })).toEqual([]);
    expect(keys({ "retry.linkerd.io/http": "504-500" })).toEqual(["retry.linkerd.io/http"]);
    expect(keys({ "retry.linkerd.io/http": "4xx" })).toEqual(["retry.linkerd.io/http"]);
    expect(keys({ "retry.linkerd.io/http": "600" })).toEqual(["retry.linkerd.io/http"]);
    expect(keys({ "retry.linkerd.io/grpc": "unavailable,internal" }, true)).toEqual([]);
    expect(keys({ "retry.linkerd.io/grpc": "unavailable,5xx" }, true)).toEqual(["retry.linkerd.io/grpc"]);
    // Each route kind reads only its own condition list.
    expect(keys({ "retry.linkerd.io/grpc": "nope" })).toEqual([]);
    expect(keys({ "retry.linkerd.io/limit": "65535" })).toEqual([]);
    expect(keys({ "retry.linkerd.io/limit": "65536" })).toEqual(["retry.linkerd.io/limit"]);
  });
});

describe("header values (Rust http)", () => {
  it("allows visible ASCII and tabs only", () => {
    expect(rustHeaderValueProblem("a b\tc~")).toBeUndefined();
    expect(rustHeaderValueProblem("café")).toContain("non-ASCII");
    expect(rustHeaderValueProblem("a\u0001")).toContain("control");
  });
});
