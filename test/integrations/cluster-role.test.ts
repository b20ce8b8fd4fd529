import { describe, expect, it } from "vitest";
import { lint } from "../../src/api.js";
import type { KubeClient, KubeResponse } from "../../src/cluster/kube-client.js";
import { tempRepo } from "../helpers/temp-repo.js";

// `meshlint --cluster -n shop` for a user bound to a namespaced Role in `shop` only, against a stand-in API server
// that answers discovery, SelfSubjectAccessReviews and LISTs as RBAC would. (The real API server's version of this is
// in cluster.test.ts; this one runs everywhere.)

interface Served {
  readonly group: string;
  readonly version: string;
  readonly kind: string;
  readonly plural: string;
  readonly namespaced: boolean;
}

const SERVED: readonly Served[] = [
  { group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false },
  { group: "", version: "v1", kind: "Service", plural: "services", namespaced: true },
  { group: "", version: "v1", kind: "ConfigMap", plural: "configmaps", namespaced: true },
  { group: "apps", version: "v1", kind: "Deployment", plural: "deployments", namespaced: true },
  { group: "networking.istio.io", version: "v1", kind: "VirtualService", plural: "virtualservices", namespaced: true },
  { group: "networking.istio.io", version: "v1", kind: "Gateway", plural: "gateways", namespaced: true },
  { group: "networking.istio.io", version: "v1", kind: "DestinationRule", plural: "destinationrules", namespaced: true },
];

const OBJECTS: readonly Record<string, unknown>[] = [
  { kind: "Namespace", metadata: { name: "shop" } },
  { kind: "Namespace", metadata: { name: "istio-system" } },
  { kind: "Namespace", metadata: { name: "edge" } },
  { kind: "Gateway", metadata: { name: "public", namespace: "edge" }, spec: { selector: { istio: "ingressgateway" }, servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }] } },
  { kind: "Gateway", metadata: { name: "ingress", namespace: "istio-system" }, spec: { selector: { istio: "ingressgateway" }, servers: [{ port: { number: 80, name: "http", protocol: "HTTP" }, hosts: ["*"] }] } },
  { kind: "Service", metadata: { name: "reviews", namespace: "shop" }, spec: { selector: { app: "reviews" }, ports: [{ name: "http", port: 9080 }] } },
  {
    kind: "Deployment",
    metadata: { name: "reviews-v1", namespace: "shop" },
    spec: { selector: { matchLabels: { app: "reviews" } }, template: { metadata: { labels: { app: "reviews", version: "v1" } }, spec: { containers: [{ name: "r", image: "r:1" }] } } },
  },
  { kind: "DestinationRule", metadata: { name: "reviews", namespace: "shop" }, spec: { host: "reviews", subsets: [{ name: "v1", labels: { version: "v1" } }] } },
];

/** An API server whose only user may list (namespaced kinds) in `allowed` namespaces, or everything with `admin`. */
function apiServer(allowed: (namespace: string | undefined) => boolean): KubeClient {
  const json = (status: number, body: unknown): KubeResponse => ({ status, json: body, text: JSON.stringify(body) });
  const groups = [...new Set(SERVED.filter((s) => s.group).map((s) => s.group))];
  return {
    server: "https://stand-in",
    namespace: "shop",
    context: "stand-in",
    watch: () => Promise.reject(new Error("not watched")),
    request: async (method, path, options) => {
      if (path === "/apis") return json(200, { groups: groups.map((name) => ({ name, preferredVersion: { version: "v1" }, versions: [{ version: "v1" }] })) });
      if (method === "POST" && path.endsWith("/selfsubjectaccessreviews")) {
        const attributes = (options?.body as { spec: { resourceAttributes: { namespace?: string; resource: string } } }).spec.resourceAttributes;
        const served = SERVED.find((s) => s.plural === attributes.resource);
        return json(201, { status: { allowed: served !== undefined && served.namespaced && allowed(attributes.namespace) } });
      }
      const version = /^\/(?:api\/v1|apis\/([^/]+)\/v1)$/.exec(path);
      if (version) {
        const group = version[1] ?? "";
        return json(200, { resources: SERVED.filter((s) => s.group === group).map((s) => ({ name: s.plural, kind: s.kind, namespaced: s.namespaced, verbs: ["get", "list", "watch"] })) });
      }
      const list = /^\/(?:api\/v1|apis\/([^/]+)\/v1)(?:\/namespaces\/([^/]+))?\/([^/?]+)(?:\/([^/?]+))?/.exec(path);
      const served = SERVED.find((s) => s.group === (list?.[1] ?? "") && s.plural === list?.[3]);
      if (!list || !served) return json(404, { message: "not found" });
      const namespace = list[2];
      if (!served.namespaced || !allowed(namespace)) return json(403, { message: `${served.plural} is forbidden` });
      const items = OBJECTS.filter((o) => o.kind === served.kind && (namespace === undefined || (o.metadata as { namespace?: string }).namespace === namespace));
      if (list[4]) return items.length ? json(200, items[0]) : json(404, { message: "not found" });
      return json(200, { metadata: {}, items });
    },
  };
}

const VIRTUAL_SERVICES = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-public, namespace: shop }
spec:
  hosts: ["reviews.example.com"]
  gateways: ["istio-system/ingress"]
  http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]
`;

describe("--cluster with a namespaced Role", () => {
  it("reads the kinds in the namespace it may, and reports no error for what rests on the namespaces it may not", async () => {
    const cwd = tempRepo({ "vs.yaml": VIRTUAL_SERVICES });
    const result = await lint(["vs.yaml"], { cwd, cluster: { client: apiServer((ns) => ns === "shop"), namespaces: ["shop"] }, baseline: false });
    expect(result.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    // The shop's own objects were read, and nothing was skipped for want of the others.
    expect(result.summary.fromCluster).toBe(3);
    expect(result.unread).toContainEqual(expect.objectContaining({ kind: "networking.istio.io/Gateway", readIn: ["shop"], then: "unknown" }));
    expect(result.unread).toContainEqual(expect.objectContaining({ kind: "Namespace", then: "assumed" }));
    expect(result.index.settings.readOnlyIn["networking.istio.io/Gateway"]).toEqual(["shop"]);
  });

  it("says why a finding that rests on an unread namespace is not certain, and keeps it an info (was a false error)", async () => {
    // Roles in shop and istio-system, and a ClusterRole for Namespaces: edge is declared, so without the unknown
    // parts its Gateway, which exists but could not be listed, would be reported missing as an error.
    const cwd = tempRepo({ "vs.yaml": VIRTUAL_SERVICES.replace("istio-system/ingress", "edge/public") });
    const client = apiServer((ns) => ns === "shop" || ns === "istio-system");
    const namespaces: KubeClient = {
      ...client,
      request: async (method, path, options) => {
        if (path.startsWith("/api/v1/namespaces?")) return { status: 200, json: { metadata: {}, items: OBJECTS.filter((o) => o.kind === "Namespace") }, text: "" };
        if (method === "POST" && (options?.body as { spec: { resourceAttributes: { resource: string } } }).spec.resourceAttributes.resource === "namespaces") {
          return { status: 201, json: { status: { allowed: true } }, text: "" };
        }
        return client.request(method, path, options);
      },
    };
    // Asked for an incremental engine too (an API caller may): its checks would not be judged, so none is kept.
    for (const incremental of [false, true]) {
      const result = await lint(["vs.yaml"], { cwd, cluster: { client: namespaces, namespaces: ["shop"] }, baseline: false, incremental });
      const gateway = result.diagnostics.find((d) => d.ruleId === "virtualservice-gateway-not-found");
      expect(gateway).toMatchObject({ severity: "info" });
      expect(gateway?.help).toContain('Not certain: meshlint could not read Gateway (networking.istio.io) objects in namespace "edge".');
      expect(result.engine).toBeUndefined();
    }
  });

  it("without the right to ask (access reviews refused), still reads the namespace a Role allows", async () => {
    const cwd = tempRepo({ "vs.yaml": VIRTUAL_SERVICES });
    const client = apiServer((ns) => ns === "shop");
    const mute: KubeClient = { ...client, request: async (method, path, options) => (method === "POST" ? { status: 403, json: { message: "forbidden" }, text: "" } : client.request(method, path, options)) };
    const result = await lint(["vs.yaml"], { cwd, cluster: { client: mute, namespaces: ["shop"] }, baseline: false });
    expect(result.summary.fromCluster).toBe(3);
    expect(result.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
    expect(result.index.settings.readOnlyIn["networking.istio.io/Gateway"]).toEqual(["shop"]);
  });

  it("with every namespace readable, judges the same reference (the Gateway exists: nothing to report)", async () => {
    const cwd = tempRepo({ "vs.yaml": VIRTUAL_SERVICES });
    const result = await lint(["vs.yaml"], { cwd, cluster: { client: apiServer(() => true), namespaces: ["shop"] }, baseline: false });
    expect(result.diagnostics.filter((d) => d.ruleId === "virtualservice-gateway-not-found")).toEqual([]);
    expect(result.unread.filter((u) => u.then === "unknown")).toEqual([]);
  });
});
