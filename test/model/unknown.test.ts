import { describe, expect, it } from "vitest";
import { K } from "../../src/model/kinds.js";
import { ReadKey } from "../../src/model/read-log.js";
import { UnknownReads, describeUnknown, knows, knowsEverything } from "../../src/model/unknown.js";
import { runRules } from "../../src/engine/runner.js";
import { finalize } from "../../src/engine/finalize.js";
import { emptyConfig } from "../../src/engine/config.js";
import { builtinRules } from "../../rules/index.js";
import { indexOf } from "../helpers/index.js";

const WORLD = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: public, namespace: shop }
spec:
  hosts: [reviews.example.com]
  gateways: [edge/public, shop/missing]
  http: [{ route: [{ destination: { host: reviews } }] }]
---
apiVersion: v1
kind: Namespace
metadata: { name: edge }
---
apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: other, namespace: shop }
spec: { selector: { istio: ingressgateway }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*"] }] }
`;

// Gateways and VirtualServices were read in shop only (a namespaced Role); everything else everywhere.
const PARTIAL = { readOnlyIn: { "networking.istio.io/Gateway": ["shop"], "networking.istio.io/VirtualService": ["shop"] } };

describe("unknown parts of the world", () => {
  it("knows everything without a partial read", () => {
    const index = indexOf(WORLD);
    expect(knowsEverything(index)).toBe(true);
    expect(knows(index, K.Gateway, "edge")).toBe(true);
    expect(new UnknownReads(index).first([ReadKey.kind(K.Gateway), ReadKey.identity(K.Gateway, "edge", "public")])).toBeUndefined();
  });

  it("places each read key: a namespace, an identity, a whole kind, existence, and memos by what they read", () => {
    const index = indexOf(WORLD, PARTIAL);
    const unknown = new UnknownReads(index);
    expect(knows(index, K.Gateway, "shop")).toBe(true);
    expect(knows(index, K.Gateway, "edge")).toBe(false);
    expect(unknown.first([ReadKey.identity(K.Gateway, "shop", "x"), ReadKey.namespace(K.Gateway, "shop")])).toBeUndefined();
    expect(unknown.first([ReadKey.identity(K.Gateway, "edge", "public")])).toMatchObject({ kind: "networking.istio.io/Gateway", namespace: "edge" });
    expect(unknown.first([ReadKey.namespace(K.Gateway, "edge")])).toMatchObject({ namespace: "edge" });
    expect(unknown.first([ReadKey.kind(K.Gateway)])).toMatchObject({ kind: "networking.istio.io/Gateway", readIn: ["shop"] });
    // "Are there any Gateways?" is known once one is there; "any DestinationRule?" was read everywhere.
    expect(unknown.first([ReadKey.exists(K.Gateway), ReadKey.exists(K.DestinationRule), ReadKey.duplicates()])).toBeUndefined();
    expect(unknown.first([ReadKey.identity(K.Namespace, "", "edge"), ReadKey.namespaceExists("edge")])).toBeUndefined();
    index.memo("test/gateways", [K.Gateway], () => index.all(K.Gateway).length);
    index.memo("test/rules", [K.DestinationRule], () => index.all(K.DestinationRule).length);
    expect(unknown.first([ReadKey.memo("test/rules")])).toBeUndefined();
    expect(unknown.first([ReadKey.memo("test/gateways")])).toMatchObject({ kind: "networking.istio.io/Gateway" });
    // A key it cannot place is unknown whenever anything is.
    expect(unknown.first(["Q something"])).toBeDefined();
  });

  it("describes a part for a finding's help line", () => {
    expect(describeUnknown({ kind: "networking.istio.io/Gateway", namespace: "edge", readIn: ["shop"] })).toBe('Gateway (networking.istio.io) objects in namespace "edge"');
    expect(describeUnknown({ kind: "Service", readIn: ["shop", "web"] })).toBe('Service objects outside namespaces "shop", "web"');
    expect(describeUnknown({ kind: "Service", readIn: [] })).toBe("Service objects");
  });

  it("makes a finding drawn after reading an unknown part an info saying why, and leaves the others as they were", () => {
    const rules = builtinRules();
    const rule = rules.get("virtualservice-gateway-not-found")!;
    const run = (settings = {}) => {
      const index = indexOf(WORLD, settings);
      const { reports } = runRules(index, [rule], rules.get("internal-error")!, { config: emptyConfig("/"), cwd: "/" });
      return finalize(reports, [], rules, emptyConfig("/")).diagnostics.map((d) => [d.message.split(":")[0], d.severity, d.help?.includes("Not certain") ?? false]);
    };
    // Everything read: both missing Gateways are errors (both namespaces are declared).
    expect(run()).toEqual([
      ['Gateway "edge/public" does not exist', "error", false],
      ['Gateway "shop/missing" does not exist', "error", false],
    ]);
    // Gateways read in shop only: edge's is unknown. Shop's missing Gateway is reported after the same check read
    // edge (a check's reads accumulate, and which of them a later report rests on is not known): an info too.
    expect(run(PARTIAL)).toEqual([
      ['Gateway "edge/public" does not exist', "info", true],
      ['Gateway "shop/missing" does not exist', "info", true],
    ]);
  });
});
