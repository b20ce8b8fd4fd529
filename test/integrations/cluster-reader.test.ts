import { describe, expect, it } from "vitest";
import { builtinRules } from "../../rules/index.js";
import { kindsRead, rulesNeeding } from "../../src/api.js";
import { ownedByWorkload, toRaw } from "../../src/cluster/reader.js";
import type { ServedKind } from "../../src/cluster/discovery.js";
import { K, kindId } from "../../src/model/kinds.js";

const pods: ServedKind = { group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, verbs: ["list", "watch"] };
const replicaSets: ServedKind = { group: "apps", version: "v1", kind: "ReplicaSet", plural: "replicasets", namespaced: true, verbs: ["list"] };

describe("cluster reader", () => {
  it("reads the kinds the rules read, and no Secret or ConfigMap besides what rules name", () => {
    const kinds = kindsRead(builtinRules().rules).map(kindId);
    expect(kinds).toContain("networking.istio.io/VirtualService");
    expect(kinds).toContain("apps/Deployment");
    expect(kinds).toContain("gateway.networking.k8s.io/HTTPRoute");
    expect(kinds).not.toContain("*/*");
  });

  it("skips the rules whose inputs cannot be read, saying why", () => {
    const skipped = rulesNeeding(builtinRules().rules, new Map([[kindId(K.DestinationRule), "cannot list destinationrules"]]));
    expect(skipped.map((s) => s.ruleId)).toContain("virtualservice-subset-not-found");
    expect(skipped.every((s) => s.reason === "cannot list destinationrules")).toBe(true);
    expect(skipped.map((s) => s.ruleId)).not.toContain("virtualservice-gateway-not-found");
  });

  it("fills in apiVersion and kind, drops managedFields and kubectl's last-applied copy", () => {
    const raw = toRaw({ metadata: { name: "p", namespace: "a", managedFields: [{}], annotations: { "kubectl.kubernetes.io/last-applied-configuration": "{}", keep: "1" } } }, pods)!;
    expect(raw.apiVersion).toBe("v1");
    expect(raw.kind).toBe("Pod");
    expect(raw.data.metadata).toEqual({ name: "p", namespace: "a", annotations: { keep: "1" } });
    expect(raw.origin.kind).toBe("cluster");
  });

  it("leaves out workload objects a workload controls (a Deployment's ReplicaSets and their Pods), keeps the rest", () => {
    const owned = (kind: string, apiVersion: string, controller = true) =>
      toRaw({ metadata: { name: "x", namespace: "a", ownerReferences: [{ apiVersion, kind, name: "o", controller }] } }, kind === "Deployment" ? replicaSets : pods)!;
    expect(ownedByWorkload(owned("ReplicaSet", "apps/v1"), "Pod")).toBe(true);
    expect(ownedByWorkload(owned("Deployment", "apps/v1"), "apps/ReplicaSet")).toBe(true);
    expect(ownedByWorkload(owned("Foo", "example.com/v1"), "Pod")).toBe(false);
    expect(ownedByWorkload(owned("ReplicaSet", "apps/v1", false), "Pod")).toBe(false);
  });
});
