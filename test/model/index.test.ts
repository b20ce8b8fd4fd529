import { describe, expect, it } from "vitest";
import { appliedDestinationRules } from "../../src/istio/destination-rules.js";
import { K } from "../../src/model/kinds.js";
import { parseMeshConfig } from "../../src/istio/mesh-config.js";
import { matches, selectorFromLabelSelector } from "../../src/model/selectors.js";
import { parseManifests } from "../../src/load/load.js";
import { ANY_KIND, type ResourceIndex, resourcesFromRaw } from "../../src/model/resource-index.js";
import { buildIndex, indexResources } from "../../src/project/project.js";
import { makeSettings } from "../../src/project/settings.js";
import { indexOf } from "../helpers/index.js";

describe("resource index", () => {
  it("defaults namespaces: --namespace for namespaced kinds, none for cluster-scoped ones (built-in or by CRD)", () => {
    const index = indexOf(
      `apiVersion: v1\nkind: Service\nmetadata: { name: a }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: shop, namespace: x }\n---\n` +
        `apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: widgets.example.com }\nspec: { group: example.com, scope: Cluster, names: { kind: Widget } }\n---\n` +
        `apiVersion: example.com/v1\nkind: Widget\nmetadata: { name: w, namespace: ignored }\n---\napiVersion: example.com/v1\nkind: Gadget\nmetadata: { name: g }\n`,
      { defaultNamespace: "team" },
    );
    const ns = (kind: string) => index.resources.find((r) => r.kind === kind && r.origin.kind === "file")?.namespace;
    expect(ns("Service")).toBe("team");
    expect(ns("Namespace")).toBe("");
    expect(ns("Widget")).toBe("");
    expect(ns("Gadget")).toBe("team");
  });

  it("lets an unreadable document's object answer identity lookups only, also after changes", () => {
    const text =
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: api, namespace: broken }\nspec:\n  template:\n    metadata: { labels: { app: api } }\n` +
      `    spec: { containers: [{ name: api, image: {REGISTRY}/api }] }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: a, namespace: shop }\n`;
    const parsed = parseManifests("broken.yaml", text);
    expect(parsed.issues.map((i) => i.messageId)).toEqual(["syntax"]);
    const index = buildIndex(parsed.resources, makeSettings({}));
    const kept = index.get(K.Deployment, "broken", "api");
    expect(kept?.origin.kind).toBe("unreadable");
    // Its content is unknown: no list, namespace, workload or "does the repository hold X" question sees it.
    expect(index.all(K.Deployment).filter((d) => d.origin.kind !== "installation")).toEqual([]);
    expect(index.all(ANY_KIND)).not.toContain(kept);
    expect(index.inNamespace(K.Deployment, "broken")).toEqual([]);
    expect(index.inRepository(K.Deployment)).toBe(false);
    expect(index.namespaces().exists("broken")).toBe(false);
    expect(index.workloads().select(selectorFromLabelSelector({ matchLabels: { app: "api" } }), "broken")).toEqual([]);
    expect(index.unreadable()).toEqual([kept]);

    // The file is fixed: the placeholder goes, the object comes, everywhere.
    const fixed = buildIndex(parseManifests("broken.yaml", text.replace("{REGISTRY}", "example")).resources, makeSettings({})).all(K.Deployment)[0]!;
    const after = index.withChange({ removed: [kept!], added: [fixed] }).index;
    expect(after.get(K.Deployment, "broken", "api")).toBe(fixed);
    expect(after.unreadable()).toEqual([]);
    expect(after.inNamespace(K.Deployment, "broken")).toEqual([fixed]);
    // And broken again: only the identity lookup sees it.
    const again = after.withChange({ removed: [fixed], added: [kept!] }).index;
    expect(again.get(K.Deployment, "broken", "api")).toBe(kept);
    expect(again.inNamespace(K.Deployment, "broken")).toEqual([]);
    expect(again.workloads().select(selectorFromLabelSelector({ matchLabels: { app: "api" } }), "broken")).toEqual([]);
  });

  it("finds a file's objects, and keeps its order and list through changes as a full build would", () => {
    const file = (name: string, services: string[]) => parseManifests(name, services.map((s) => `apiVersion: v1\nkind: Service\nmetadata: { name: ${s} }\n`).join("---\n")).resources;
    const a = file("a.yaml", ["a1", "a2"]);
    const b = file("b.yaml", ["b1", "b2", "b3"]);
    const c = file("c.yaml", ["c1"]);
    const index = buildIndex([...a, ...b, ...c], makeSettings({}));
    const names = (rs: readonly { name: string }[]) => rs.map((r) => r.name);
    expect(names(index.ofFile("b.yaml"))).toEqual(["b1", "b2", "b3"]);
    expect(names(index.ofFile("a.yaml"))).toEqual(["a1", "a2"]);
    expect(index.ofFile("d.yaml")).toEqual([]);
    // b.yaml's middle document replaced, a.yaml emptied: the changed index lists what a full build lists.
    const b2 = file("b.yaml", ["b1", "b9", "b3"]);
    const after = index.withChange({ removed: [...index.ofFile("b.yaml").slice(1, 2), ...index.ofFile("a.yaml")], added: buildIndex(b2, makeSettings({})).ofFile("b.yaml").slice(1, 2) }).index;
    const full = buildIndex([...b2, ...c], makeSettings({}));
    expect(names(after.all(ANY_KIND))).toEqual(names(full.all(ANY_KIND)));
    expect(names(after.ofFile("b.yaml"))).toEqual(["b1", "b9", "b3"]);
    expect(after.ofFile("a.yaml")).toEqual([]);
    expect(after.lintedCount()).toBe(full.lintedCount());
  });

  it("answers a change the same whether its tables were built for changes or not (they record then)", () => {
    const text = (deployment: string) =>
      `apiVersion: v1\nkind: Service\nmetadata: { name: api, namespace: shop }\n---\n` +
      `apiVersion: v1\nkind: Service\nmetadata: { name: web, namespace: shop }\n---\n` +
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: ${deployment}, namespace: shop }\n`;
    const settings = makeSettings({});
    const raw = parseManifests("m.yaml", text("api")).resources;
    const next = buildIndex(parseManifests("m.yaml", text("web")).resources, settings).all(K.Deployment).find((r) => r.origin.kind === "file")!;
    // Services by whether a Deployment of their name exists: each entry reads another object's identity.
    const backed = (index: ResourceIndex) =>
      index.table("test/backed", [K.Service], (r, ix) =>
        r.namespace === "shop" ? [[ix.definitions(K.Deployment, r.namespace, r.name).length ? "backed" : "bare", r.name] as const] : [],
      );
    const outcome = (changes: boolean) => {
      const index = indexResources(resourcesFromRaw(raw, settings), settings, { changes });
      expect(backed(index).get("backed")).toEqual(["api"]);
      const reads = index.derivedReads().get("T test/backed");
      const old = index.all(K.Deployment).find((r) => r.origin.kind === "file")!;
      const { index: after, keys } = index.withChange({ removed: [old], added: [next] });
      return { reads: [...(reads ?? [])].sort(), keys: [...keys].sort(), backed: backed(after).get("backed"), bare: backed(after).get("bare") };
    };
    const traced = outcome(true);
    expect(traced.backed).toEqual(["web"]);
    expect(traced.bare).toEqual(["api"]);
    expect(traced.keys).toContain("T test/backed backed");
    expect(outcome(false)).toEqual(traced);
  });

  it("knows declared namespaces, used namespaces and the installation's", () => {
    const index = indexOf(`apiVersion: v1\nkind: Namespace\nmetadata: { name: shop }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: a, namespace: web }\n`);
    const namespaces = index.namespaces();
    expect(["shop", "web", "default", "istio-system", "kube-system"].every((n) => namespaces.exists(n))).toBe(true);
    expect(namespaces.exists("nowhere")).toBe(false);
    expect(namespaces.declared("shop")?.origin.kind).toBe("file");
  });

  it("assumes the ingress gateway unless the repository defines its own", () => {
    const assumed = indexOf(`apiVersion: v1\nkind: Service\nmetadata: { name: a }\n`);
    expect(assumed.get(K.Service, "istio-system", "istio-ingressgateway")?.origin.kind).toBe("installation");
    expect(assumed.workloads().select(selectorFromLabelSelector({ matchLabels: { istio: "ingressgateway" } }), "istio-system")).toHaveLength(1);

    const own = indexOf(
      `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: gw, namespace: istio-system }\nspec:\n  template:\n    metadata: { labels: { istio: ingressgateway } }\n    spec: { containers: [{ name: istio-proxy, image: auto }] }\n---\n` +
        `apiVersion: v1\nkind: Service\nmetadata: { name: istio-ingressgateway, namespace: istio-system }\nspec: { ports: [{ port: 8443 }] }\n`,
    );
    expect(own.get(K.Service, "istio-system", "istio-ingressgateway")?.origin.kind).toBe("file");
    // The repository's own ingress pods replace the assumed ones; the egress gateway (no profile named) stays assumed.
    expect(own.all(K.Deployment).map((d) => d.name)).toEqual(["gw", "istio-egressgateway"]);

    const none = indexOf(`apiVersion: v1\nkind: Service\nmetadata: { name: a }\n`, { installation: { ingressGateway: false } });
    expect(none.get(K.Service, "istio-system", "istio-ingressgateway")).toBeUndefined();
  });

  it("assumes what the named Istio profile installs, changed by the declared gateways", () => {
    const app = `apiVersion: v1\nkind: Service\nmetadata: { name: a }\n`;
    const gateways = (installation?: object) =>
      indexOf(app, installation ? { installation } : {})
        .all(K.Service)
        .filter((s) => s.origin.kind === "installation" && s.namespace !== "default")
        .map((s) => `${s.namespace}/${s.name}`)
        .sort();
    // No profile named: every component a repository may route through.
    expect(gateways()).toEqual(["istio-system/istio-egressgateway", "istio-system/istio-ingressgateway", "istio-system/istiod"]);
    expect(gateways({ profile: "default" })).toEqual(["istio-system/istio-ingressgateway", "istio-system/istiod"]);
    expect(gateways({ profile: "demo", gateways: { "istio-ingressgateway": false } })).toEqual(["istio-system/istio-egressgateway", "istio-system/istiod"]);
    expect(gateways({ profile: "minimal", istioNamespace: "mesh" })).toEqual(["mesh/istiod"]);
    expect(gateways({ profile: "empty" })).toEqual([]);
    const eastWest = indexOf(app, { installation: { profile: "minimal", gateways: { "istio-eastwestgateway": { ports: [15443] } } } });
    expect(eastWest.get(K.Service, "istio-system", "istio-eastwestgateway")?.origin.kind).toBe("installation");
    expect(eastWest.workloads().select(selectorFromLabelSelector({ matchLabels: { istio: "eastwestgateway" } }), "istio-system")).toHaveLength(1);
    // The default profile's ingress Service reaches the chart's container ports.
    const ingress = indexOf(app, { installation: { profile: "default" } }).get(K.Service, "istio-system", "istio-ingressgateway");
    expect(ingress?.data.spec).toMatchObject({ ports: [{ port: 15021, targetPort: 15021 }, { port: 80, targetPort: 8080 }, { port: 443, targetPort: 8443 }] });
  });

  it("selects workloads by labels and expressions through the label index", () => {
    const index = indexOf(
      ["v1", "v2", "v3"]
        .map((v) => `apiVersion: apps/v1\nkind: Deployment\nmetadata: { name: r-${v}, namespace: shop }\nspec:\n  template:\n    metadata: { labels: { app: reviews, version: ${v} } }\n    spec: { containers: [{ name: c }] }\n`)
        .join("---\n"),
    );
    const select = (s: unknown) => index.workloads().select(selectorFromLabelSelector(s), "shop").map((w) => w.resource.name);
    expect(select({ matchLabels: { app: "reviews" } })).toEqual(["r-v1", "r-v2", "r-v3"]);
    expect(select({ matchLabels: { app: "reviews" }, matchExpressions: [{ key: "version", operator: "NotIn", values: ["v1"] }] })).toEqual(["r-v2", "r-v3"]);
    expect(select({ matchExpressions: [{ key: "version", operator: "In", values: ["v3"] }] })).toEqual(["r-v3"]);
    expect(select({ matchExpressions: [{ key: "canary", operator: "DoesNotExist" }] })).toHaveLength(3);
    expect(select({ matchExpressions: [{ key: "version", operator: "Bogus" }] })).toEqual([]);
    expect(matches(selectorFromLabelSelector({ matchExpressions: [{ key: "a", operator: "Exists" }] }), { a: "" })).toBe(true);
  });

  it("finds DestinationRules in Istio's order: caller's namespace, host's namespace (if exported), root namespace", () => {
    const dr = (name: string, ns: string, host: string, extra = "") =>
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: { name: ${name}, namespace: ${ns} }\nspec: { host: "${host}"${extra} }\n---\n`;
    const index = indexOf(
      dr("caller", "web", "reviews.shop.svc.cluster.local") +
        dr("owner", "shop", "reviews") +
        dr("owner-private", "shop", "ratings", ", exportTo: ['.']") +
        dr("mesh-wide", "istio-system", "*.shop.svc.cluster.local") +
        dr("mesh-exact", "istio-system", "details.shop.svc.cluster.local") +
        `apiVersion: v1\nkind: Service\nmetadata: { name: reviews, namespace: shop }\n`,
    );
    const applied = (host: string, from: string) => appliedDestinationRules(index, host, from, ["shop"]).rules.map((r) => r.name);
    expect(applied("reviews.shop.svc.cluster.local", "web")).toEqual(["caller"]);
    expect(applied("reviews.shop.svc.cluster.local", "billing")).toEqual(["owner"]);
    expect(applied("ratings.shop.svc.cluster.local", "billing")).toEqual(["mesh-wide"]);
    expect(applied("ratings.shop.svc.cluster.local", "shop")).toEqual(["owner-private"]);
    expect(applied("details.shop.svc.cluster.local", "web")).toEqual(["mesh-exact"]);
    expect(applied("payments.billing.svc.cluster.local", "web")).toEqual([]);
  });
});

describe("mesh config", () => {
  it("merges a bare MeshConfig or the istio ConfigMap over Istio's defaults", () => {
    const bare = parseMeshConfig("enableAutoMtls: false\noutboundTrafficPolicy: { mode: REGISTRY_ONLY }\n", "mesh.yaml");
    expect(bare).toMatchObject({ enableAutoMtls: false, rootNamespace: "istio-system", outboundTrafficPolicy: { mode: "REGISTRY_ONLY" } });
    const cm = parseMeshConfig(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata:\n  mesh: |\n    rootNamespace: mesh-root\n    trustDomain: example.org\n",
      "cm.yaml",
    );
    expect(cm).toMatchObject({ rootNamespace: "mesh-root", trustDomain: "example.org", enableAutoMtls: true });
    expect(() => parseMeshConfig("- a\n- b\n", "bad.yaml")).toThrow(/expected a YAML mapping/);
  });
});
