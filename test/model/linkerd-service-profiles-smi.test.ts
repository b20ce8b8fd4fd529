import { describe, expect, it } from "vitest";
import { accrualIneffective, annotationProblems, isGoBool, opaquePortSet, portSetProblem } from "../../src/linkerd/annotations.js";
import { linkerdDurationMs } from "../../src/linkerd/route-annotations.js";
import { isDnsSubdomain, isGoDuration, isGrpcPath, parseAuthority } from "../../src/linkerd/service-profiles.js";
import { sameApplication } from "../../src/smi/traffic-split.js";

const meta = (site: "Namespace" | "Service" | "Pod", annotations: Record<string, string>, ports: string[] = []) => ({
  site,
  annotations,
  labels: {},
  metaPath: ["metadata"],
  portNames: new Set(ports),
});

describe("Linkerd annotation parsing", () => {
  it("reads port sets as Linkerd does", () => {
    expect(portSetProblem("25,4000-4100", undefined)).toBeUndefined();
    expect(portSetProblem("0", undefined)).toMatch(/1 to 65535/);
    expect(portSetProblem("9000-8000", undefined)).toMatch(/decreasing/);
    expect(portSetProblem("http", undefined)).toMatch(/names are not allowed/);
    expect(portSetProblem("http", new Set(["http"]))).toBeUndefined();
    expect(portSetProblem("grpc", "any")).toBeUndefined();
    const set = opaquePortSet("sql,4000-4001", new Map([["sql", 5433]]));
    expect([5433, 4001, 4002].map(set)).toEqual([true, true, false]);
  });

  it("tells Linkerd durations from Go durations", () => {
    expect(linkerdDurationMs("500ms")).toBe(500);
    expect(linkerdDurationMs("2d")).toBe(172_800_000);
    expect(linkerdDurationMs("0")).toBe(0);
    expect(linkerdDurationMs("1m30s")).toBeUndefined();
    expect(linkerdDurationMs("1.5s")).toBeUndefined();
    expect(isGoDuration("1m30s")).toBe(true);
    expect(isGoDuration("10")).toBe(false);
  });

  it("accepts Go booleans only", () => {
    expect(["1", "t", "TRUE", "False"].every(isGoBool)).toBe(true);
    expect(["yes", "on", "enabled"].some(isGoBool)).toBe(false);
  });

  it("judges each annotation where Linkerd reads it", () => {
    expect(annotationProblems(meta("Pod", { "config.alpha.linkerd.io/proxy-wait-before-exit-seconds": "-1" })).map((p) => p.key)).toEqual([
      "config.alpha.linkerd.io/proxy-wait-before-exit-seconds",
    ]);
    // Injector overrides on a Service are not read there, so their values are not judged.
    expect(annotationProblems(meta("Service", { "config.linkerd.io/proxy-cpu-limit": "lots" }))).toEqual([]);
    expect(annotationProblems(meta("Service", { "retry.linkerd.io/grpc": "unavailable,oops" })).map((p) => p.severity)).toEqual(["warning"]);
    const accrual = { "balancer.linkerd.io/failure-accrual": "consecutive", "balancer.linkerd.io/failure-accrual-consecutive-min-penalty": "2m", "balancer.linkerd.io/failure-accrual-consecutive-max-penalty": "1m" };
    expect(annotationProblems(meta("Service", accrual)).map((p) => p.reason)).toEqual(["the minimum penalty exceeds the maximum penalty"]);
    expect(accrualIneffective({ "balancer.alpha.linkerd.io/failure-accrual-success-rate-window": "1m" })).toHaveLength(1);
    expect(accrualIneffective({ "balancer.linkerd.io/failure-accrual": "unified", "balancer.alpha.linkerd.io/failure-accrual-success-rate-window": "1m" })).toEqual([]);
  });
});

describe("ServiceProfile helpers", () => {
  it("recognises gRPC method paths", () => {
    expect(isGrpcPath("/emojivoto\\.v1\\.EmojiService/ListAll")).toBe(true);
    expect(isGrpcPath("/authors/[^/]*/edit")).toBe(false);
  });

  it("parses authorities and names", () => {
    expect(parseAuthority("web.books.svc.cluster.local:8080")).toEqual({ service: "web", namespace: "books", clusterDomain: "cluster.local", port: 8080 });
    expect(parseAuthority("web:8080")).toBeUndefined();
    expect(isDnsSubdomain("web.books.svc.cluster.local")).toBe(true);
    expect(isDnsSubdomain("Web_1.books")).toBe(false);
  });
});

describe("TrafficSplit selectors", () => {
  it("accepts the same app or a root selector contained in the backend's", () => {
    expect(sameApplication({ app: "web" }, { app: "web", version: "v2" })).toBe(true);
    expect(sameApplication({ app: "web", tier: "front" }, { app: "web" })).toBe(true);
    expect(sameApplication({ tier: "front" }, { tier: "front", version: "v2" })).toBe(true);
    expect(sameApplication({ app: "web" }, { app: "cart" })).toBe(false);
  });
});
