import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/api.js";
import { run } from "../../src/cli/main.js";
import { AccessError, decideAccess, parseSource, parseTarget } from "../../src/access/access.js";
import type { ResourceIndex } from "../../src/model/resource-index.js";
import { ROOT } from "../helpers/fixtures.js";
import { indexOfFolder as indexOf } from "../helpers/repo-index.js";
import { tempRepo } from "../helpers/temp-repo.js";

const BOOKINFO = join(ROOT, "fixtures", "repos", "bookinfo-authz");


const decide = (index: ResourceIndex, from: string, to: string, method?: string, path?: string) =>
  decideAccess(index, { from: parseSource(from), to: parseTarget(to), method, path });

async function cli(args: string[], cwd: string) {
  let out = "";
  let err = "";
  const code = await run(args, { cwd, env: {}, stdoutIsTTY: false, write: (t) => (out += t), error: (t) => (err += t), readStdin: async () => "" });
  return { code, out, err };
}

describe("Istio's bookinfo authorization task (authz-http), all policies applied", () => {
  // Istio's documented outcome: anyone may GET productpage; only productpage's account may GET details and
  // reviews; only reviews' account may GET ratings; every other method is denied everywhere (allow-nothing).
  const callers = ["bookinfo-productpage", "bookinfo-reviews", "bookinfo-details", "bookinfo-ratings"];
  const expected = (caller: string, service: string, method: string): "allow" | "deny" => {
    if (method !== "GET") return "deny";
    if (service === "productpage") return "allow";
    if (service === "details" || service === "reviews") return caller === "bookinfo-productpage" ? "allow" : "deny";
    return caller === "bookinfo-reviews" ? "allow" : "deny";
  };

  it("gives Istio's decision for every pair of service account and service, for GET and for POST", async () => {
    const index = await indexOf(BOOKINFO);
    for (const caller of callers) {
      for (const service of ["productpage", "details", "reviews", "ratings"]) {
        for (const method of ["GET", "POST"]) {
          const d = decide(index, `default/sa/${caller}`, `default/${service}:9080`, method, "/");
          expect(d.decision, `${method} ${caller} -> ${service}`).toBe(expected(caller, service, method));
          expect(d.mtls.transport).toBe("mtls");
        }
      }
    }
  });

  it("lets the ingress gateway GET productpage and nothing else", async () => {
    const index = await indexOf(BOOKINFO);
    const gateway = "istio-system/sa/istio-ingressgateway-service-account";
    expect(decide(index, gateway, "default/productpage:9080", "GET", "/productpage").decision).toBe("allow");
    expect(decide(index, gateway, "default/reviews:9080", "GET").decision).toBe("deny");
  });

  it("names the deciding policy and rule, with file and line", async () => {
    const index = await indexOf(BOOKINFO);
    const allowed = decide(index, "default/sa/bookinfo-reviews", "default/ratings:9080", "GET");
    expect(allowed.decidedBy?.resource.name).toBe("ratings-viewer");
    expect(allowed.decidedBy?.what).toBe("ALLOW rule 0");
    expect(allowed.decidedBy?.resource.origin.locate(allowed.decidedBy.path)?.file).toBe("policies.yaml");
    const denied = decide(index, "default/sa/bookinfo-productpage", "default/ratings:9080", "GET");
    // No ALLOW rule matches: the closest policy is named, at the field that failed.
    expect(denied.decidedBy?.resource.name).toBe("ratings-viewer");
    expect(denied.decidedBy?.path).toEqual(["spec", "rules", 0, "from", 0, "source", "principals"]);
    expect(denied.explanation).toContain("allow-nothing");
  });

  it("decides for each backend of a Service (reviews has three versions)", async () => {
    const index = await indexOf(BOOKINFO);
    const d = decide(index, "default/sa/bookinfo-productpage", "default/reviews:9080", "GET");
    expect(d.backends.map((b) => b.backend.workload?.resource.name)).toEqual(["reviews-v1", "reviews-v2", "reviews-v3"]);
  });
});

describe("meshlint access", () => {
  it("prints a JSON decision with the deciding rule and the mTLS mode, exit 0", async () => {
    const r = await cli(["access", "--from", "default/sa/bookinfo-productpage", "--to", "default/details:9080", "--method", "GET", "-f", "json", "."], BOOKINFO);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out);
    expect(j.decision).toBe("allow");
    expect(j.decidedBy).toMatchObject({ kind: "AuthorizationPolicy", name: "details-viewer", what: "ALLOW rule 0", file: "policies.yaml", line: 28 });
    expect(j.mtls).toMatchObject({ mode: "PERMISSIVE", client: "auto", transport: "mtls" });
    expect(j.request).toEqual({ from: "default/sa/bookinfo-productpage", to: "default/details:9080", method: "GET", path: "/" });
  });

  it("explains a denial in one paragraph of text, exit 0", async () => {
    const r = await cli(["access", "--from", "default/sa/bookinfo-details", "--to", "default/reviews:9080", "."], BOOKINFO);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^DENY {2}default\/sa\/bookinfo-details -> default\/reviews:9080/);
    expect(r.out).toContain("so Istio denies it");
    expect(r.out).toContain("decided by: AuthorizationPolicy default/reviews-viewer");
  });

  it("exits 2 with a clear message for an unknown source or target, and for usage errors", async () => {
    const unknownSource = await cli(["access", "--from", "default/sa/nobody", "--to", "default/details:9080", "."], BOOKINFO);
    expect(unknownSource.code).toBe(2);
    expect(unknownSource.err).toContain('unknown source "default/sa/nobody"');
    const unknownTarget = await cli(["access", "--from", "default/sa/bookinfo-productpage", "--to", "default/nothing", "."], BOOKINFO);
    expect(unknownTarget.code).toBe(2);
    expect(unknownTarget.err).toContain('unknown target "default/nothing"');
    const badPort = await cli(["access", "--from", "default/sa/bookinfo-productpage", "--to", "default/details:1234", "."], BOOKINFO);
    expect(badPort.code).toBe(2);
    expect(badPort.err).toContain("has no port 1234");
    for (const args of [["--to", "default/details"], ["--from", "default", "--to", "default/details"], ["--from", "default/sa/x", "--to", "default/details", "--format", "xml"]]) {
      const r = await cli(["access", ...args, "."], BOOKINFO);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.out).toBe("");
    }
  });
});

describe("meshlint access, as a new user types it", () => {
  const FROM = ["--from", "default/sa/bookinfo-productpage"];

  it("suggests the nearest service account, namespace, target and port name", async () => {
    const cases: [string[], string][] = [
      [["--from", "default/sa/bookinfo-productpag", "--to", "default/details"], '(did you mean "default/sa/bookinfo-productpage"?)'],
      [["--from", "defualt/sa/bookinfo-productpage", "--to", "default/details"], '(did you mean namespace "default"?)'],
      [[...FROM, "--to", "default/detials:9080"], '(did you mean "default/details:9080"?)'],
      [[...FROM, "--to", "default/details:htp"], 'has no port htp (did you mean "http"?) (ports: 9080 (http))'],
      [[...FROM, "--to", "details.defualt"], '(did you mean namespace "default"?)'],
    ];
    for (const [args, hint] of cases) {
      const r = await cli(["access", ...args, "."], BOOKINFO);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err, args.join(" ")).toContain(hint);
    }
  });

  it("resolves port names and a Service's host names, as the mesh's callers name them", async () => {
    const decisions: string[] = [];
    for (const to of ["default/details:http", "details.default:9080", "details.default.svc", "details.default.svc.cluster.local:http", "default/details.default.svc.cluster.local"]) {
      const r = await cli(["access", ...FROM, "--to", to, "-f", "json", "."], BOOKINFO);
      expect(r.err, to).toBe("");
      const j = JSON.parse(r.out);
      decisions.push(`${to} -> ${j.request.to} ${j.decision}`);
    }
    // The request is shown as resolved: the Service and its port number.
    expect(decisions).toEqual([
      "default/details:http -> default/details:9080 allow",
      "details.default:9080 -> default/details:9080 allow",
      "details.default.svc -> default/details:9080 allow",
      "details.default.svc.cluster.local:http -> default/details:9080 allow",
      "default/details.default.svc.cluster.local -> default/details:9080 allow",
    ]);
    const otherDomain = await cli(["access", ...FROM, "--to", "details.default.svc.example.org", "."], BOOKINFO);
    expect(otherDomain.code).toBe(2);
    expect(otherDomain.err).toContain("is called details.default.svc.cluster.local");
  });

  it("--expect gates a script: exit 1 when the decision differs, 0 when it holds, 2 for another word", async () => {
    const allowed = [...FROM, "--to", "default/details:9080", "."];
    expect((await cli(["access", ...allowed, "--expect", "allow"], BOOKINFO)).code).toBe(0);
    const wrong = await cli(["access", ...allowed, "--expect", "deny"], BOOKINFO);
    expect(wrong.code).toBe(1);
    expect(wrong.out).toMatch(/^ALLOW/);
    expect(wrong.err).toBe("meshlint access: expected deny, but the policies allow the request\n");
    const denied = ["--from", "default/sa/bookinfo-details", "--to", "default/reviews:9080", "."];
    expect((await cli(["access", ...denied, "--expect", "deny"], BOOKINFO)).code).toBe(0);
    expect((await cli(["access", ...denied, "--expect", "allow"], BOOKINFO)).code).toBe(1);
    const bad = await cli(["access", ...denied, "--expect", "yes"], BOOKINFO);
    expect(bad.code).toBe(2);
    expect(bad.err).toContain("--expect must be allow or deny");
  });
});

describe("Istio authorization semantics", () => {
  const app = (name: string, sa: string, ns = "shop", port = 8080, portName = "http") => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${ns} }
spec: { selector: { app: ${name} }, ports: [{ name: ${portName}, port: ${port} }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata: { labels: { app: ${name} } }
    spec:
      serviceAccountName: ${sa}
      containers: [{ name: ${name}, image: example/${name}:1, ports: [{ containerPort: ${port} }] }]
`;
  const world = (policies: string, extra = "") => tempRepo({ "apps.yaml": app("api", "api") + "---" + app("web", "web") + "---" + app("db", "db", "shop", 5432, "tcp") + extra, "policies.yaml": policies });

  it("evaluates DENY before ALLOW, and a CUSTOM match does not decide", async () => {
    const dir = world(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: ext, namespace: shop }
spec:
  action: CUSTOM
  provider: { name: opa }
  rules: [{ to: [{ operation: { paths: ["/admin*"] } }] }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-web, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }] }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny-delete, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  action: DENY
  rules: [{ to: [{ operation: { methods: ["DELETE"] } }] }]
`);
    const index = await indexOf(dir);
    expect(decide(index, "shop/sa/web", "shop/api", "GET", "/admin/x").decision).toBe("allow");
    expect(decide(index, "shop/sa/web", "shop/api", "GET", "/admin/x").explanation).toContain('external authorizer "opa"');
    const deleted = decide(index, "shop/sa/web", "shop/api", "DELETE", "/items");
    expect(deleted.decision).toBe("deny");
    expect(deleted.decidedBy?.resource.name).toBe("deny-delete");
    expect(decide(index, "shop/sa/db", "shop/api", "GET").decision).toBe("deny");
    // No ALLOW policy selects web: everything not denied is allowed.
    expect(decide(index, "shop/sa/db", "shop/web", "POST").decision).toBe("allow");
  });

  it("applies root-namespace policies mesh-wide, and skips dry-run policies", async () => {
    const dir = world(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny-db-callers, namespace: istio-system }
spec:
  action: DENY
  rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/db"] } }] }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: deny-all-dry
  namespace: shop
  annotations: { istio.io/dry-run: "true" }
spec:
  action: DENY
  rules: [{}]
`);
    const index = await indexOf(dir);
    expect(decide(index, "shop/sa/db", "shop/web").decidedBy?.resource.name).toBe("deny-db-callers");
    expect(decide(index, "shop/sa/api", "shop/web").decision).toBe("allow");
  });

  it("applies a policy with targetRefs to the pods of the Gateway API Gateway it names", async () => {
    const index = await indexOf(
      world(
        `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: edge, namespace: shop }
spec:
  targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: edge }]
  rules: [{ to: [{ operation: { methods: ["GET"] } }] }]
`,
        `---
apiVersion: apps/v1
kind: Deployment
metadata: { name: edge-istio, namespace: shop }
spec:
  selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: edge } }
  template:
    metadata: { labels: { gateway.networking.k8s.io/gateway-name: edge } }
    spec: { serviceAccountName: edge-istio, containers: [{ name: istio-proxy, image: auto, ports: [{ containerPort: 80 }] }] }
`,
      ),
    );
    expect(decide(index, "shop/sa/web", "shop/edge-istio", "POST").decidedBy?.resource.name).toBe("edge");
    expect(decide(index, "shop/sa/web", "shop/api", "POST").decision).toBe("allow");
  });

  it("on a TCP port, never matches an ALLOW rule with HTTP fields, and drops them from DENY rules", async () => {
    const allow = await indexOf(world(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: db, namespace: shop }
spec:
  selector: { matchLabels: { app: db } }
  rules: [{ to: [{ operation: { methods: ["GET"], ports: ["5432"] } }] }]
`));
    expect(decide(allow, "shop/sa/api", "shop/db:5432").decision).toBe("deny");
    const deny = await indexOf(world(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: db, namespace: shop }
spec:
  selector: { matchLabels: { app: db } }
  action: DENY
  rules: [{ to: [{ operation: { methods: ["DELETE"] } }] }]
`));
    expect(decide(deny, "shop/sa/api", "shop/db:5432").decision).toBe("deny");
    expect(decide(deny, "shop/sa/api", "shop/api", "GET").decision).toBe("allow");
  });

  it("matches prefix, suffix and presence patterns, path templates, not-fields and when conditions", async () => {
    const index = await indexOf(world(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  rules:
    - from: [{ source: { principals: ["*/sa/web"] } }]
      to: [{ operation: { paths: ["/items/{*}/reviews", "/static/*"], notMethods: ["DELETE"] } }]
    - from: [{ source: { namespaces: ["sho*"], notPrincipals: ["cluster.local/ns/shop/sa/web"] } }]
      when: [{ key: "request.headers[x-team]", values: ["books"] }]
`));
    expect(decide(index, "shop/sa/web", "shop/api", "GET", "/items/42/reviews").decision).toBe("allow");
    expect(decide(index, "shop/sa/web", "shop/api", "GET", "/items/42/43/reviews").decision).toBe("deny");
    expect(decide(index, "shop/sa/web", "shop/api", "GET", "/static/app.js").decision).toBe("allow");
    expect(decide(index, "shop/sa/web", "shop/api", "DELETE", "/static/app.js").decision).toBe("deny");
    // Rule 1 needs a header the request does not carry.
    expect(decide(index, "shop/sa/db", "shop/api", "GET", "/").decision).toBe("deny");
    const headers = decideAccess(index, { from: parseSource("shop/sa/db"), to: parseTarget("shop/api"), headers: { "X-Team": "books" } });
    expect(headers.decision).toBe("allow");
  });

  it("allow-nothing denies everything; a DENY with an empty rule denies everything", async () => {
    const nothing = await indexOf(world(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: allow-nothing, namespace: shop }
spec: {}
`));
    expect(decide(nothing, "shop/sa/web", "shop/api").decision).toBe("deny");
    const all = await indexOf(world(`
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny-all, namespace: shop }
spec: { action: DENY, rules: [{}] }
`));
    expect(decide(all, "shop/sa/web", "shop/api").decidedBy?.resource.name).toBe("deny-all");
  });

  it("needs mutual TLS for identities: plaintext callers match no principal, and STRICT refuses them", async () => {
    const policies = `
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }] }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  action: DENY
  rules: [{ from: [{ source: { notPrincipals: ["*"] } }] }]
`;
    const plaintext = await indexOf(world(policies), { enableAutoMtls: false });
    const d = decide(plaintext, "shop/sa/web", "shop/api");
    expect(d.decision).toBe("deny");
    expect(d.mtls.transport).toBe("plaintext");
    // notPrincipals ["*"] matches callers without an identity.
    expect(decide(plaintext, "shop/sa/api", "shop/web").decidedBy?.resource.name).toBe("web");
    const strict = await indexOf(
      world(policies, `---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  mtls: { mode: PERMISSIVE }
  portLevelMtls: { 8080: { mode: STRICT } }
`),
      { enableAutoMtls: false },
    );
    const refused = decide(strict, "shop/sa/web", "shop/api");
    expect(refused.decision).toBe("deny");
    expect(refused.backends[0]?.stage).toBe("transport");
    expect(refused.mtls.mode).toBe("STRICT");
    expect(refused.decidedBy?.path).toEqual(["spec", "portLevelMtls", "8080", "mode"]);
  });

  it("reads the client's TLS from the DestinationRule that applies, per port", async () => {
    const index = await indexOf(
      world("", `---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: api, namespace: shop }
spec:
  host: api
  trafficPolicy:
    tls: { mode: DISABLE }
    portLevelSettings:
      - port: { number: 8080 }
        tls: { mode: ISTIO_MUTUAL }
`),
    );
    const d = decide(index, "shop/sa/web", "shop/api:8080");
    expect(d.mtls).toMatchObject({ client: "ISTIO_MUTUAL", transport: "mtls" });
    expect(d.mtls.clientDecidedBy?.path).toEqual(["spec", "trafficPolicy", "portLevelSettings", 0, "tls", "mode"]);
  });

  it("rejects malformed references", () => {
    expect(() => parseSource("shop/web")).toThrow(AccessError);
    expect(() => parseTarget("api")).toThrow(AccessError);
    expect(parseTarget("shop/api:9000")).toEqual({ namespace: "shop", name: "api", port: 9000 });
  });
});

describe("access assertions in .meshlint.yaml", () => {
  it("reports a failed assertion on the deciding policy, or at its own line in the config file", async () => {
    const dir = tempRepo({
      ".meshlint.yaml": `rules:
  workload-authorization-missing: "off"
access:
  - { from: shop/sa/web, to: shop/api, method: GET, expect: allow }
  - name: web-cannot-write
    from: shop/sa/web
    to: shop/api
    method: POST
    expect: deny
  - { from: shop/sa/api, to: shop/web, expect: deny }
`,
      "apps.yaml": `apiVersion: v1
kind: Service
metadata: { name: api, namespace: shop }
spec: { selector: { app: api }, ports: [{ name: http, port: 8080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 8080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  template:
    metadata: { labels: { app: api } }
    spec: { serviceAccountName: api, containers: [{ name: api, image: example/api:1 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: shop }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { serviceAccountName: web, containers: [{ name: web, image: example/web:1 }] }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: api, namespace: shop }
spec:
  selector: { matchLabels: { app: api } }
  rules:
    - from: [{ source: { principals: ["cluster.local/ns/shop/sa/web"] } }]
`,
    });
    const result = await lint(["."], { cwd: dir });
    const failed = result.diagnostics.filter((d) => d.ruleId === "access-assertion-failed");
    expect(failed.map((d) => [d.file, d.span?.line, d.resource?.kind, d.resource?.name, d.path.join(".")])).toEqual([
      [".meshlint.yaml", 10, "AccessAssertion", "access[2]", "expect"],
      ["apps.yaml", 35, "AuthorizationPolicy", "api", "spec.rules.0"],
    ]);
    expect(failed[1]?.message).toContain('Access assertion "web-cannot-write" expects deny');
    expect(failed[1]?.related[0]).toMatchObject({ file: ".meshlint.yaml", span: { line: 9 } });
  });

  it("rejects a malformed assertion as a config error", async () => {
    const r = await cli(["."], tempRepo({ ".meshlint.yaml": "access:\n  - { from: web, to: shop/api, expect: maybe }\n", "a.yaml": "" }));
    expect(r.code).toBe(2);
    expect(r.err).toContain("/access/0");
  });
});
