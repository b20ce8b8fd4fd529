import { describe, expect, it } from "vitest";
import { analyzeRouteOrder, httpMatchCovers } from "../../src/istio/match-coverage.js";
import type { JsonObject, Resource } from "../../src/model/resource.js";

const vs = (s: JsonObject): Resource =>
  ({ kind: "VirtualService", namespace: "shop", name: "vs", data: { spec: s } }) as unknown as Resource;

describe("httpMatchCovers", () => {
  it("a field left out covers any value; a set field restricts", () => {
    expect(httpMatchCovers({}, { uri: { prefix: "/a" } })).toBe(true);
    expect(httpMatchCovers({ method: { exact: "GET" } }, { uri: { prefix: "/a" } })).toBe(false);
  });
  it("a URI prefix covers a longer prefix, not an exact URI", () => {
    expect(httpMatchCovers({ uri: { prefix: "/api" } }, { uri: { prefix: "/api/v1" }, method: { exact: "GET" } })).toBe(true);
    expect(httpMatchCovers({ uri: { prefix: "/api/v1" } }, { uri: { prefix: "/api" } })).toBe(false);
    expect(httpMatchCovers({ uri: { prefix: "/" } }, { uri: { exact: "/" } })).toBe(false);
  });
  it("headers: names case-insensitive, prefixes cover exact values, presence covers anything set", () => {
    expect(httpMatchCovers({ headers: { "X-User": { prefix: "al" } } }, { headers: { "x-user": { exact: "alice" } } })).toBe(true);
    expect(httpMatchCovers({ headers: { "x-user": {} } }, { headers: { "x-user": { exact: "bob" } } })).toBe(true);
    expect(httpMatchCovers({ headers: { "x-user": { exact: "bob" } } }, {})).toBe(false);
  });
  it("regular expressions cover only their exact repeat", () => {
    expect(httpMatchCovers({ uri: { regex: "/a.*" } }, { uri: { regex: "/a.*" } })).toBe(true);
    expect(httpMatchCovers({ uri: { regex: "/a.*" } }, { uri: { prefix: "/ab" } })).toBe(false);
  });
  it("labels, source labels and gateways", () => {
    expect(httpMatchCovers({ name: "x", sourceLabels: { app: "a" } }, { sourceLabels: { app: "a", v: "1" } })).toBe(true);
    expect(httpMatchCovers({ gateways: ["gw"] }, {})).toBe(false);
    expect(httpMatchCovers({ gateways: ["gw", "mesh"] }, { gateways: ["mesh"] })).toBe(true);
  });
});

describe("analyzeRouteOrder", () => {
  it("rules after a catch-all, repeated and covered rules; shadowed matches", () => {
    const { unreachable, shadowed } = analyzeRouteOrder(
      vs({
        http: [
          { match: [{ name: "a", uri: { prefix: "/a" } }], route: [] },
          { match: [{ uri: { prefix: "/a" } }], route: [] },
          { match: [{ uri: { prefix: "/a/b" } }, { uri: { prefix: "/c" } }], route: [] },
          { match: [{ uri: { prefix: "/a/c" } }], route: [] },
          { route: [] },
          { route: [] },
        ],
        tcp: [{ match: [{ port: 1 }], route: [] }, { match: [{ port: 2 }], route: [] }],
      }),
    );
    expect(unreachable.map((u) => `${u.section}${u.rule}:${u.reason}`)).toEqual(["http1:repeated", "http3:covered", "http5:afterCatchAll"]);
    expect(shadowed.map((s) => `${s.rule}.${s.match}<${s.by.rule}.${s.by.match}:${s.repeated}`)).toEqual([
      "1.0<0.0:true",
      "2.0<0.0:false",
      "3.0<0.0:false",
    ]);
  });
});
