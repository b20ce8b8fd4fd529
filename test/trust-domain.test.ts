import { readFileSync, readdirSync } from "node:fs";
import { basename, join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../src/api.js";
import { RuleCatalog } from "../src/engine/catalog.js";
import { type Config, emptyConfig } from "../src/engine/config.js";
import type { Rule } from "../src/engine/rule.js";
import { ROOT } from "./helpers/fixtures.js";
import { tempRepo } from "./helpers/temp-repo.js";

// The trust-domain case, pinned for every rule that resolves hosts. Istio names a Kubernetes Service
// `name.ns.svc.<cluster domain>` (istiod's --domain); the mesh's trust domain names workload identities only. So with
// `trustDomain: example.org` and the cluster domain `cluster.local`, a host spelled `reviews.shop.svc.example.org`
// is not Service "reviews": each rule must answer for it as for any unknown host, and answer differently for the
// same object spelled `reviews.shop.svc.cluster.local`. Each rule runs alone (its file imported directly).

const TRUST = "reviews.shop.svc.example.org";
const CLUSTER = "reviews.shop.svc.cluster.local";

const WORLD = `
apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Namespace
metadata: { name: web, labels: { istio-injection: enabled } }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec:
  selector: { app: reviews }
  ports: [{ name: http, port: 9080, targetPort: 9080 }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews, version: v1 } }
  template:
    metadata: { labels: { app: reviews, version: v1 } }
    spec:
      serviceAccountName: reviews
      containers: [{ name: reviews, image: "reviews:1", ports: [{ containerPort: 9080 }] }]
`;

const RULES: Record<string, () => Promise<{ default: Rule }>> = {
  "access-assertion-failed": () => import("../rules/core/access-assertion-failed.js"),
  "authorizationpolicy-host-not-found": () => import("../rules/istio/authorizationpolicy-host-not-found.js"),
  "authorizationpolicy-mtls-missing": () => import("../rules/istio/authorizationpolicy-mtls-missing.js"),
  "destinationrule-host-conflict": () => import("../rules/istio/destinationrule-host-conflict.js"),
  "destinationrule-host-not-found": () => import("../rules/istio/destinationrule-host-not-found.js"),
  "destinationrule-subset-no-pods": () => import("../rules/istio/destinationrule-subset-no-pods.js"),
  "destinationrule-tls-conflict": () => import("../rules/istio/destinationrule-tls-conflict.js"),
  "destinationrule-tls-missing": () => import("../rules/istio/destinationrule-tls-missing.js"),
  "peerauthentication-client-mtls-missing": () => import("../rules/istio/peerauthentication-client-mtls-missing.js"),
  "peerauthentication-tls-conflict": () => import("../rules/istio/peerauthentication-tls-conflict.js"),
  "sidecar-egress-host-not-found": () => import("../rules/istio/sidecar-egress-host-not-found.js"),
  "virtualservice-destination-host-not-found": () => import("../rules/istio/virtualservice-destination-host-not-found.js"),
  "virtualservice-destination-port-not-found": () => import("../rules/istio/virtualservice-destination-port-not-found.js"),
  "virtualservice-gateway-host-conflict": () => import("../rules/istio/virtualservice-gateway-host-conflict.js"),
  "virtualservice-gateway-host-not-found": () => import("../rules/istio/virtualservice-gateway-host-not-found.js"),
  "virtualservice-host-conflict": () => import("../rules/istio/virtualservice-host-conflict.js"),
  "virtualservice-ingress-subset-missing": () => import("../rules/istio/virtualservice-ingress-subset-missing.js"),
  "virtualservice-route-destination-duplicate": () => import("../rules/istio/virtualservice-route-destination-duplicate.js"),
  "virtualservice-subset-not-found": () => import("../rules/istio/virtualservice-subset-not-found.js"),
};

interface Options {
  readonly meshConfig?: Record<string, unknown>;
  readonly config?: Partial<Config>;
}

/** `messageId` of each finding of one rule over WORLD plus `yaml`, sorted; and the help texts. */
async function run(ruleId: string, yaml: string, options: Options = {}): Promise<{ ids: string[]; help: string[] }> {
  const load = RULES[ruleId];
  if (!load) throw new Error(`no rule ${ruleId}`);
  const [{ default: rule }, { default: internalError }] = await Promise.all([load(), import("../rules/core/internal-error.js")]);
  const dir = tempRepo({ "world.yaml": `${WORLD}---\n${yaml}` });
  const result = await lint(["."], {
    cwd: dir,
    config: { ...emptyConfig(dir), ...options.config },
    catalog: new RuleCatalog([rule, internalError]),
    meshConfig: { trustDomain: "example.org", ...options.meshConfig },
  });
  const own = result.diagnostics.filter((d) => d.ruleId !== "internal-error" || expect.fail(d.message));
  return { ids: own.map((d) => d.messageId ?? "").sort(), help: own.map((d) => d.help ?? "") };
}

/** The rule's findings with the host spelled in the trust domain, then in the cluster domain. */
async function both(ruleId: string, yaml: (host: string) => string, options?: Options): Promise<[string[], string[]]> {
  return [(await run(ruleId, yaml(TRUST), options)).ids, (await run(ruleId, yaml(CLUSTER), options)).ids];
}

const GROUPS: Record<string, string> = {
  VirtualService: "networking.istio.io",
  DestinationRule: "networking.istio.io",
  Gateway: "networking.istio.io",
  Sidecar: "networking.istio.io",
  PeerAuthentication: "security.istio.io",
  AuthorizationPolicy: "security.istio.io",
};

/** One Istio object; `spec` in YAML flow style. */
const obj = (kind: string, name: string, namespace: string, spec: string): string =>
  `apiVersion: ${GROUPS[kind]}/v1\nkind: ${kind}\nmetadata: { name: ${name}, namespace: ${namespace} }\nspec: ${spec}\n`;

const docs = (...objects: string[]): string => objects.join("---\n");

const route = (destination: string, extra = "") => `{ hosts: [reviews]${extra}, http: [{ route: [${destination}] }] }`;
const toReviews = route("{ destination: { host: reviews } }");
const tls = (host: string, mode: string) => `{ host: ${host}, trafficPolicy: { tls: { mode: ${mode} } } }`;
const subsetV1 = (host: string) => `{ host: ${host}, subsets: [{ name: v1, labels: { version: v1 } }] }`;
const gateway = (hosts: string) =>
  obj("Gateway", "gw", "shop", `{ selector: { istio: ingressgateway }, servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [${hosts}] }] }`);
const reviewsSelector = "selector: { matchLabels: { app: reviews } }";

describe("a host spelled with the trust domain is not the Service (Istio's reading)", () => {
  it("virtualservice-destination-host-not-found: not found, with a hint at the cluster domain", async () => {
    const vs = (host: string) => obj("VirtualService", "reviews", "shop", route(`{ destination: { host: ${host} } }`));
    expect(await both("virtualservice-destination-host-not-found", vs)).toEqual([["hostNotFound"], []]);
    const { help } = await run("virtualservice-destination-host-not-found", vs(TRUST));
    expect(help[0]).toContain('not in the trust domain ("example.org")');
    // Where the cluster's DNS domain is the trust domain, the same spelling is the Service.
    const sameDomain = { config: { settings: { clusterDomain: "example.org" } } };
    expect((await run("virtualservice-destination-host-not-found", vs(TRUST), sameDomain)).ids).toEqual([]);
  });

  it("destinationrule-host-not-found: not found, with a hint at the cluster domain", async () => {
    const dr = (host: string) => obj("DestinationRule", "reviews", "shop", `{ host: ${host} }`);
    expect(await both("destinationrule-host-not-found", dr)).toEqual([["hostNotFound"], []]);
    expect((await run("destinationrule-host-not-found", dr(TRUST))).help[0]).toContain("settings.clusterDomain");
  });

  it("virtualservice-destination-port-not-found: an unknown host's port is not judged", async () => {
    const vs = (host: string) => obj("VirtualService", "reviews", "shop", route(`{ destination: { host: ${host}, port: { number: 9999 } } }`));
    expect(await both("virtualservice-destination-port-not-found", vs)).toEqual([[], ["portNotFound"]]);
  });

  it("virtualservice-subset-not-found: that DestinationRule gives Service reviews no subsets", async () => {
    const world = (host: string) =>
      docs(obj("VirtualService", "reviews", "shop", route("{ destination: { host: reviews, subset: v1 } }")), obj("DestinationRule", "reviews", "shop", subsetV1(host)));
    expect(await both("virtualservice-subset-not-found", world)).toEqual([["noDestinationRule"], []]);
  });

  it("destinationrule-tls-conflict: that DestinationRule sends nothing to Service reviews' STRICT pods", async () => {
    const world = (host: string) =>
      docs(obj("PeerAuthentication", "strict", "shop", "{ mtls: { mode: STRICT } }"), obj("DestinationRule", "reviews", "shop", tls(host, "DISABLE")));
    expect(await both("destinationrule-tls-conflict", world)).toEqual([[], ["plaintextStrict"]]);
  });

  it("destinationrule-tls-missing: that DestinationRule hides no mesh-wide ISTIO_MUTUAL for Service reviews", async () => {
    const world = (host: string) =>
      docs(
        obj("DestinationRule", "default", "istio-system", tls(`"*.local"`, "ISTIO_MUTUAL")),
        obj("DestinationRule", "reviews", "shop", `{ host: ${host}, trafficPolicy: { connectionPool: { tcp: { maxConnections: 10 } } } }`),
      );
    expect(await both("destinationrule-tls-missing", world)).toEqual([[], ["overridesMtls"]]);
  });

  it("destinationrule-subset-no-pods: the subsets of an unknown host are not compared with Service reviews' pods", async () => {
    const dr = (host: string) => obj("DestinationRule", "reviews", "shop", `{ host: ${host}, subsets: [{ name: v9, labels: { version: v9 } }] }`);
    expect(await both("destinationrule-subset-no-pods", dr)).toEqual([[], ["noPods"]]);
  });

  it("destinationrule-host-conflict: a DestinationRule for reviews and one for the trust-domain name do not merge", async () => {
    const world = (host: string) => docs(obj("DestinationRule", "a", "shop", subsetV1("reviews")), obj("DestinationRule", "b", "shop", subsetV1(host)));
    expect(await both("destinationrule-host-conflict", world)).toEqual([[], ["subsets", "subsets"]]);
  });

  it("virtualservice-host-conflict: reviews and the trust-domain name are two hosts", async () => {
    const world = (host: string) => docs(obj("VirtualService", "a", "shop", toReviews), obj("VirtualService", "b", "shop", toReviews.replace("[reviews]", `["${host}"]`)));
    expect(await both("virtualservice-host-conflict", world)).toEqual([[], ["hostConflict", "hostConflict"]]);
  });

  it("virtualservice-gateway-host-conflict: reviews and the trust-domain name are two hosts on a gateway", async () => {
    const bound = route("{ destination: { host: reviews } }", ", gateways: [gw]");
    const world = (host: string) =>
      docs(gateway(`"*"`), obj("VirtualService", "a", "shop", bound), obj("VirtualService", "b", "shop", bound.replace("[reviews]", `["${host}"]`)));
    expect(await both("virtualservice-gateway-host-conflict", world)).toEqual([[], ["gatewayHostConflict", "gatewayHostConflict"]]);
  });

  it("virtualservice-gateway-host-not-found: a gateway serving the cluster-domain name does not serve the trust-domain one", async () => {
    const bound = route("{ destination: { host: reviews } }", ", gateways: [gw]");
    const world = (host: string) => docs(gateway(`"*/${CLUSTER}"`), obj("VirtualService", "reviews", "shop", bound.replace("[reviews]", `["${host}"]`)));
    expect(await both("virtualservice-gateway-host-not-found", world)).toEqual([["hostNotInGateway"], []]);
  });

  it("virtualservice-route-destination-duplicate: reviews and the trust-domain name are two destinations", async () => {
    const vs = (host: string) =>
      obj("VirtualService", "reviews", "shop", route(`{ destination: { host: reviews }, weight: 50 }, { destination: { host: ${host} }, weight: 50 }`));
    expect(await both("virtualservice-route-destination-duplicate", vs)).toEqual([[], ["duplicate", "duplicate"]]);
  });

  it("virtualservice-ingress-subset-missing: the mesh's subset split of reviews is not the trust-domain name's", async () => {
    const ingress = (host: string) => route(`{ destination: { host: ${host} } }`, ", gateways: [gw]").replace("[reviews]", "[shop.example.com]");
    const world = (host: string) =>
      docs(gateway(`"*"`), obj("VirtualService", "mesh", "shop", route("{ destination: { host: reviews, subset: v1 } }")), obj("VirtualService", "ingress", "shop", ingress(host)));
    expect(await both("virtualservice-ingress-subset-missing", world)).toEqual([[], ["subsetMissing"]]);
  });

  it("authorizationpolicy-host-not-found: a VirtualService for the trust-domain name does not define details.shop", async () => {
    const world = (host: string) =>
      docs(
        obj("VirtualService", "details", "shop", toReviews.replace("[reviews]", `["${host.replace("reviews", "details")}"]`)),
        obj("AuthorizationPolicy", "details", "shop", "{ rules: [{ to: [{ operation: { hosts: [details.shop] } }] }] }"),
      );
    expect(await both("authorizationpolicy-host-not-found", world)).toEqual([["hostNotFound"], []]);
  });

  it("sidecar-egress-host-not-found: the trust-domain name imports nothing", async () => {
    const sidecar = (host: string) => obj("Sidecar", "default", "web", `{ egress: [{ hosts: ["shop/${host}"] }] }`);
    expect(await both("sidecar-egress-host-not-found", sidecar)).toEqual([["hostNotFound"], []]);
  });

  it("peerauthentication-tls-conflict: ISTIO_MUTUAL for the trust-domain name does not reach reviews' plaintext pods", async () => {
    const world = (host: string) =>
      docs(obj("PeerAuthentication", "reviews", "shop", `{ ${reviewsSelector}, mtls: { mode: DISABLE } }`), obj("DestinationRule", "reviews", "shop", tls(host, "ISTIO_MUTUAL")));
    expect(await both("peerauthentication-tls-conflict", world)).toEqual([[], ["mtlsToDisabled"]]);
  });

  it("peerauthentication-client-mtls-missing: ISTIO_MUTUAL for the trust-domain name leaves reviews' clients without mTLS", async () => {
    const world = (host: string) =>
      docs(obj("PeerAuthentication", "reviews", "shop", `{ ${reviewsSelector}, mtls: { mode: STRICT } }`), obj("DestinationRule", "reviews", "shop", tls(host, "ISTIO_MUTUAL")));
    expect(await both("peerauthentication-client-mtls-missing", world, { meshConfig: { enableAutoMtls: false } })).toEqual([["strictPlaintext"], []]);
  });

  it("authorizationpolicy-mtls-missing: DISABLE for the trust-domain name does not turn mTLS off towards reviews", async () => {
    const policy = `{ ${reviewsSelector}, rules: [{ from: [{ source: { principals: ["example.org/ns/web/sa/default"] } }] }] }`;
    const world = (host: string) => docs(obj("DestinationRule", "reviews", "shop", tls(host, "DISABLE")), obj("AuthorizationPolicy", "reviews", "shop", policy));
    expect(await both("authorizationpolicy-mtls-missing", world)).toEqual([[], ["identityWithoutMtls"]]);
  });

  it("access-assertion-failed: a client DestinationRule for the trust-domain name does not decide web -> reviews", async () => {
    const world = (host: string) =>
      docs(obj("PeerAuthentication", "strict", "shop", "{ mtls: { mode: STRICT } }"), obj("DestinationRule", "reviews", "web", tls(host, "DISABLE")));
    const options = { config: { access: [{ from: "web/sa/default", to: "shop/reviews:9080", expect: "allow" as const }] } };
    expect(await both("access-assertion-failed", world, options)).toEqual([[], ["decidedOtherwise"]]);
  });

  it("covers every rule that resolves hosts, directly or through the model", () => {
    const resolving = /\b(resolveHost|canonicalHost|qualifiedHost|appliedDestinationRules|routedSubset|destinationRuleOverlapsOf|hostOverlapsOf|resolveEgressHost|clientTls|connection|callerNamespaces|conflictingClients|decideAccess)\(/;
    const rulesDir = join(ROOT, "rules");
    const ids = readdirSync(rulesDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) => readdirSync(join(rulesDir, d.name)).filter((f) => f.endsWith(".ts")).map((f) => join(rulesDir, d.name, f)))
      .filter((f) => resolving.test(readFileSync(f, "utf8")))
      .map((f) => basename(f, ".ts"))
      .sort();
    expect(ids).toEqual(Object.keys(RULES).sort());
  });
});
