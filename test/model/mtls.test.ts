import { describe, expect, it } from "vitest";
import { clientTls, connection, serverMode, serverTargets, tlsSetting } from "../../src/istio/mtls.js";
import { K } from "../../src/model/kinds.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import { indexOfFolder } from "../helpers/repo-index.js";
import { tempRepo } from "../helpers/temp-repo.js";

async function indexOf(yaml: string, meshConfig?: Record<string, unknown>): Promise<ResourceIndex> {
  return indexOfFolder(tempRepo({ "world.yaml": yaml }), meshConfig);
}

const pa = (name: string, ns: string, body: string) => `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: ${name}, namespace: ${ns} }
spec: ${body}
`;

describe("server mode (PeerAuthentication)", () => {
  it("composes mesh, namespace, workload and port levels; UNSET inherits; nothing is PERMISSIVE", async () => {
    const index = await indexOf(
      pa("default", "istio-system", "{ mtls: { mode: STRICT } }") +
        pa("default", "shop", "{ mtls: { mode: UNSET } }") +
        pa("legacy", "legacy", "{ mtls: { mode: DISABLE } }") +
        pa("api", "shop", "{ selector: { matchLabels: { app: api } }, portLevelMtls: { 9090: { mode: PERMISSIVE }, 9091: { mode: UNSET } } }"),
    );
    const api = { namespace: "shop", labels: { app: "api" } };
    expect(serverMode(index, api, 8080)).toMatchObject({ mode: "STRICT", level: "mesh" });
    expect(serverMode(index, api, 9090)).toMatchObject({ mode: "PERMISSIVE", level: "port", path: ["spec", "portLevelMtls", "9090", "mode"] });
    expect(serverMode(index, api, 9091)).toMatchObject({ mode: "STRICT", level: "mesh" });
    expect(serverMode(index, { namespace: "legacy", labels: {} })).toMatchObject({ mode: "DISABLE", level: "namespace" });
    const none = await indexOf(pa("api", "shop", "{ selector: { matchLabels: { app: api } }, mtls: { mode: UNSET } }"));
    expect(serverMode(none, api)).toMatchObject({ mode: "PERMISSIVE", level: "default", policy: undefined });
  });
});

describe("client TLS (DestinationRule)", () => {
  const dr = `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec:
  host: api
  trafficPolicy:
    tls: { mode: ISTIO_MUTUAL }
    portLevelSettings:
      - port: { number: 9090 }
        loadBalancer: { simple: ROUND_ROBIN }
  subsets:
    - name: v2
      labels: { version: v2 }
      trafficPolicy:
        tls: { mode: SIMPLE }
        portLevelSettings:
          - port: { number: 8443 }
            tls: { mode: DISABLE }
`;

  it("merges top level, port level (as a whole), subset and subset port level as Istio does", async () => {
    const index = await indexOf(dr);
    const rule = index.get(K.DestinationRule, "shop", "api");
    if (!rule) throw new Error("no rule");
    expect(tlsSetting(rule, 8080, undefined).mode).toBe("ISTIO_MUTUAL");
    // A port-level setting without tls has no TLS: it does not inherit the top level's.
    expect(tlsSetting(rule, 9090, undefined)).toEqual({ mode: undefined, path: undefined });
    expect(tlsSetting(rule, 8080, "v2").mode).toBe("SIMPLE");
    expect(tlsSetting(rule, 8443, "v2")).toEqual({ mode: "DISABLE", path: ["spec", "subsets", 0, "trafficPolicy", "portLevelSettings", 0, "tls", "mode"] });
  });

  it("finds the DestinationRule by Istio's lookup order and exportTo", async () => {
    const index = await indexOf(`${dr}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: mesh, namespace: istio-system }
spec: { host: "*.local", trafficPolicy: { tls: { mode: DISABLE } } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: private, namespace: front }
spec: { host: api.shop.svc.cluster.local, exportTo: ["."], trafficPolicy: { tls: { mode: MUTUAL } } }
`);
    const host = "api.shop.svc.cluster.local";
    expect(clientTls(index, host, "front", ["shop"], 8080, undefined)).toMatchObject({ mode: "MUTUAL" });
    expect(clientTls(index, host, "other", ["shop"], 8080, undefined)).toMatchObject({ mode: "ISTIO_MUTUAL" });
    expect(clientTls(index, "db.data.svc.cluster.local", "other", ["data"], 5432, undefined)).toMatchObject({ mode: "DISABLE" });
  });

  it("uses auto mTLS when no DestinationRule sets TLS, except towards DISABLE servers; plaintext without it", async () => {
    const world = pa("legacy", "legacy", "{ mtls: { mode: DISABLE } }");
    const ends = (namespace: string) => ({
      fromNamespace: "front",
      sourceInMesh: true,
      host: `api.${namespace}.svc.cluster.local`,
      hostNamespaces: [namespace],
      servicePort: 80,
      pod: { namespace, labels: {} },
      targetInMesh: true,
      targetPort: 8080,
    });
    const auto = await indexOf(world);
    expect(connection(auto, ends("shop"))).toMatchObject({ transport: "mtls", auto: true, accepted: true });
    expect(connection(auto, ends("legacy"))).toMatchObject({ transport: "plaintext", accepted: true });
    const off = await indexOf(world + pa("default", "shop", "{ mtls: { mode: STRICT } }"), { enableAutoMtls: false });
    expect(connection(off, ends("shop"))).toMatchObject({ transport: "plaintext", accepted: false });
  });
});

describe("servers behind a host (serverTargets)", () => {
  it("a namespace-wide host covers its own namespace (and a dotted name ending in it), never the others", async () => {
    const ns = (name: string) => `---\napiVersion: v1\nkind: Namespace\nmetadata: { name: ${name} }\n`;
    const service = (name: string, namespace: string) =>
      `---\napiVersion: v1\nkind: Service\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec: { selector: { app: ${name} }, ports: [{ port: 80 }] }\n`;
    const index = await indexOf(ns("shop") + ns("empty") + ns("ops") + ns("x.empty") + service("cart", "shop") + service("grafana", "ops"));
    const where = (host: string) => serverTargets(index, host).map((t) => `${t.pod.namespace}/${t.service?.name ?? "-"}`);
    expect(where("*.shop.svc.cluster.local")).toEqual(["shop/cart"]);
    expect(where("*.empty.svc.cluster.local")).toEqual(["empty/-", "x.empty/-"]);
    expect(where("*.nowhere.svc.cluster.local")).toEqual([]);
    // The API server's Service default/kubernetes and istiod's are assumed in every cluster with Istio.
    expect(where("*.local").sort()).toEqual(["default/kubernetes", "empty/-", "istio-system/istiod", "ops/grafana", "shop/cart", "x.empty/-"]);
  });
});
