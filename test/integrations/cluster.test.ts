import { execFile, execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import type { CliIo } from "../../src/cli/io.js";
import { type RunningWebhook, runWebhook } from "../../src/webhook/webhook.js";
import { builtinRules } from "../../rules/index.js";
import { kindsRead } from "../../src/api.js";
import { apiKindId, discoverKinds } from "../../src/cluster/discovery.js";
import { connect } from "../../src/cluster/kube-client.js";
import { MESH_CONFIG_MAPS } from "../../src/cluster/reader.js";
import { ROOT } from "../helpers/fixtures.js";
import { makeCertificate } from "../helpers/certificate.js";

// Against a real API server (../shared/kube: kube-apiserver v1.20.2 with etcd): Istio's and Gateway API's CRDs,
// Services, Deployments and DestinationRules applied with kubectl; `meshlint webhook` registered with a
// ValidatingWebhookConfiguration (clientConfig.url, self-signed certificate); then kubectl again, as a user would.
// Skipped, saying so, without ../shared/kube (a clone of the project alone), kubectl or openssl.

const SHARED = process.env.MESHLINT_SHARED ?? resolve(ROOT, "..", "shared");
const KUBE = join(SHARED, "kube");
const has = (cmd: string) => spawnSync(cmd, ["version", "--client"], { stdio: "ignore" }).error === undefined;
const missing = !existsSync(join(KUBE, "start-apiserver.sh")) ? `${KUBE} is absent` : !has("kubectl") ? "kubectl is not installed" : !has("openssl") ? "openssl is not installed" : undefined;
if (missing) console.warn(`cluster integration tests skipped: ${missing}`);

const WORLD = `apiVersion: v1
kind: Namespace
metadata: { name: shop }
---
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: shop }
spec: { selector: { app: reviews }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: shop }
spec: { selector: { app: ratings }, ports: [{ name: http, port: 9080 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews-v1, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews, version: v1 } }
  template:
    metadata: { labels: { app: reviews, version: v1 } }
    spec: { containers: [{ name: reviews, image: reviews:1, ports: [{ containerPort: 9080 }] }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ratings-v1, namespace: shop }
spec:
  selector: { matchLabels: { app: ratings, version: v1 } }
  template:
    metadata: { labels: { app: ratings, version: v1 } }
    spec: { containers: [{ name: ratings, image: ratings:1, ports: [{ containerPort: 9080 }] }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets: [{ name: v1, labels: { version: v1 } }]
`;

const vs = (name: string, host: string, subset: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: shop
spec:
  hosts: [${host}]
  http:
    - route:
        - destination:
            host: ${host}
            subset: ${subset}
`;

/** A namespace with a Gateway `public` in it, serving `host` on port 80. */
const gatewayIn = (namespace: string, host: string) => `apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: public, namespace: ${namespace} }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["${host}"] }]
`;

describe.skipIf(missing !== undefined)("against a real API server", () => {
  let dir: string;
  let kubeconfig: string;
  let webhook: RunningWebhook;
  // Asynchronous: the webhook answers the API server from this very process, so kubectl must not block it.
  const kubectl = (args: string[], input?: string) =>
    new Promise<{ code: number; out: string; err: string }>((done) => {
      const child = execFile("kubectl", args, { encoding: "utf8", env: { ...process.env, KUBECONFIG: kubeconfig } }, (error, out, err) =>
        done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out, err }),
      );
      child.stdin?.end(input ?? "");
    });
  const apply = (yaml: string, ...flags: string[]) => kubectl(["apply", ...flags, "-f", "-"], yaml);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "meshlint-cluster-"));
    kubeconfig = execFileSync(join(KUBE, "start-apiserver.sh"), [join(dir, "kube")], { encoding: "utf8" }).trim();
    // Istio's CRDs as they are; Gateway API v1.6.1's need `default: ""` dropped, which v1.20 reads as null.
    expect((await kubectl(["apply", "--validate=false", "-f", join(SHARED, "crds", "istio", "crd-all.gen.1.30.3.yaml")])).code).toBe(0);
    const gatewayApi = join(SHARED, "crds", "gateway-api", "standard");
    for (const file of readdirSync(gatewayApi).filter((f) => /gatewayclasses|gateways|httproutes|referencegrants/.test(f))) {
      const text = readFileSync(join(gatewayApi, file), "utf8").replace(/^\s*default: ""\s*$/gm, "");
      expect((await kubectl(["apply", "--validate=false", "-f", "-"], text)).code).toBe(0);
    }
    expect((await apply(WORLD)).code).toBe(0);

    const { cert, key } = makeCertificate(dir);
    webhook = await runWebhook({ certFile: cert, keyFile: key, host: "127.0.0.1", port: 0, denyOn: "error", auditIntervalMs: 3_600_000, cwd: dir, kubeconfig, log: () => {} });
    await webhook.ready;
    const caBundle = readFileSync(cert).toString("base64");
    const registration = `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingWebhookConfiguration
metadata: { name: meshlint-test }
webhooks:
  - name: validate.meshlint.io
    clientConfig: { url: "https://127.0.0.1:${webhook.port}/validate", caBundle: "${caBundle}" }
    rules:
      - { apiGroups: ["networking.istio.io"], apiVersions: ["*"], operations: ["CREATE", "UPDATE", "DELETE"], resources: ["virtualservices", "destinationrules"] }
      - { apiGroups: [""], apiVersions: ["v1"], operations: ["DELETE"], resources: ["services"] }
    sideEffects: None
    admissionReviewVersions: ["v1"]
    matchPolicy: Equivalent
    failurePolicy: Fail
    timeoutSeconds: 5
`;
    expect((await apply(registration)).code).toBe(0);
    // The API server picks up webhook configurations asynchronously: wait until a bad object is refused.
    for (let i = 0; i < 50 && (await apply(vs("probe", "ratings", "v9"), "--dry-run=server")).code === 0; i++) await new Promise((r) => setTimeout(r, 200));
  }, 180_000);

  afterAll(async () => {
    await webhook?.close();
    if (dir) {
      spawnSync(join(KUBE, "stop-apiserver.sh"), [join(dir, "kube")], { stdio: "ignore" });
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects a VirtualService routing to an undefined subset, naming the subset", async () => {
    const r = await apply(vs("ratings-canary", "ratings", "v9"));
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('denied the request: spec.http[0].route[0].destination.subset: Subset "v9" of host "ratings" is not defined');
  });

  it("creates a correct one", async () => {
    const r = await apply(vs("reviews", "reviews", "v1"));
    expect(r.err).toBe("");
    expect(r.out).toContain("virtualservice.networking.istio.io/reviews created");
  });

  it("answers --dry-run=server", async () => {
    const bad = await apply(vs("reviews-canary", "reviews", "v7"), "--dry-run=server");
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('Subset "v7"');
    const good = await apply(vs("ratings", "ratings", "v1").replace("subset: v1", "port: { number: 9080 }"), "--dry-run=server");
    expect(good.out).toContain("(server dry run)");
  });

  it("rejects a DestinationRule update that removes a subset a VirtualService still routes to", async () => {
    // The webhook learns of the VirtualService through its watch.
    await waitFor(() => metric(webhook.port, 'meshlint_index_objects{kind="VirtualService"} 1'));
    const r = await apply(WORLD.split("---\n").find((d) => d.includes("kind: DestinationRule"))!.replace("name: v1, labels: { version: v1 }", "name: v2, labels: { version: v2 }"));
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('VirtualService shop/reviews spec.http[0].route[0].destination.subset: Subset "v1" is not defined');
  });

  it("keeps answering when the objects it relies on are deleted", async () => {
    expect((await kubectl(["-n", "shop", "delete", "virtualservice", "reviews"])).code).toBe(0);
    expect((await kubectl(["-n", "shop", "delete", "destinationrule", "reviews"])).code).toBe(0);
    expect((await kubectl(["-n", "shop", "delete", "deployment", "reviews-v1"])).code).toBe(0);
    expect((await kubectl(["-n", "shop", "delete", "service", "reviews"])).code).toBe(0);
    await waitFor(() => metric(webhook.port, 'meshlint_index_objects{kind="Service"} 2'));
    expect((await get(webhook.port, "/healthz")).status).toBe(200);
    const r = await apply(vs("ratings-canary", "ratings", "v9"));
    expect(r.err).toContain("denied the request");
    // Recreated as they were, the routes are admitted again.
    expect((await apply(WORLD)).code).toBe(0);
    await waitFor(() => metric(webhook.port, 'meshlint_index_objects{kind="Service"} 3'));
    expect((await apply(vs("reviews", "reviews", "v1"))).code).toBe(0);
  });

  it("grants deploy/'s service account list and watch on every kind the rules read that the server serves, no Secret, two ConfigMaps", async () => {
    // deploy/'s RBAC as it is, with the namespaces it names.
    for (const file of ["namespace.yaml", "serviceaccount.yaml"]) expect((await kubectl(["apply", "-f", join(ROOT, "deploy", file)])).code).toBe(0);
    expect((await apply("apiVersion: v1\nkind: Namespace\nmetadata: { name: istio-system }\n")).code).toBe(0);
    expect((await kubectl(["apply", "-f", join(ROOT, "deploy", "rbac.yaml")])).code).toBe(0);
    const client = await connect({ kubeconfig });
    const served = await discoverKinds(client, kindsRead(builtinRules().rules), AbortSignal.timeout(30_000));
    const asServiceAccount = async (verb: string, group: string, resource: string, namespace?: string, name?: string) => {
      const review = {
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user: "system:serviceaccount:meshlint:meshlint",
          groups: ["system:serviceaccounts", "system:serviceaccounts:meshlint", "system:authenticated"],
          resourceAttributes: { verb, group, resource, ...(namespace ? { namespace } : {}), ...(name ? { name } : {}) },
        },
      };
      const res = await client.request("POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", { body: review });
      return (res.json as { status?: { allowed?: boolean } }).status?.allowed === true;
    };
    const kinds = [...served.values()].filter((s) => !["Secret", "ConfigMap"].includes(apiKindId(s)));
    // Istio's, Gateway API's and Kubernetes' own kinds are served here; Linkerd's and SMI's are not installed.
    expect(kinds.length).toBeGreaterThan(25);
    const denied: string[] = [];
    await Promise.all(
      kinds.flatMap((s) => ["list", "watch"].map(async (verb) => void (!(await asServiceAccount(verb, s.group, s.plural)) && denied.push(`${verb} ${s.plural}.${s.group}`)))),
    );
    expect(denied).toEqual([]);
    expect(await asServiceAccount("list", "", "secrets")).toBe(false);
    expect(await asServiceAccount("list", "", "configmaps", "istio-system")).toBe(false);
    for (const name of MESH_CONFIG_MAPS) for (const verb of ["get", "list", "watch"]) expect(await asServiceAccount(verb, "", "configmaps", "istio-system", name)).toBe(true);
  });

  describe("meshlint --cluster", () => {
    const lint = async (args: string[]) => {
      let out = "";
      let err = "";
      const io: CliIo = { cwd: dir, env: {}, stdoutIsTTY: false, write: (t) => void (out += t), error: (t) => void (err += t), readStdin: async () => "" };
      const code = await run(["--cluster", "--kubeconfig", kubeconfig, "-n", "shop", ...args], io);
      return { code, out, err };
    };

    it("finds a file's VirtualService (replacing the cluster's of the same name) clean when its DestinationRule exists only in the cluster", async () => {
      writeFileSync(join(dir, "good.yaml"), vs("reviews", "reviews", "v1"));
      const r = await lint(["-f", "json", "good.yaml"]);
      const json = JSON.parse(r.out) as { diagnostics: { ruleId: string; file?: string }[]; summary: { fromCluster: number } };
      expect(json.diagnostics.filter((d) => d.file === "good.yaml")).toEqual([]);
      expect(json.summary.fromCluster).toBeGreaterThan(3);
    });

    it("reports a subset the cluster's DestinationRule lacks at the file's line", async () => {
      writeFileSync(join(dir, "bad.yaml"), vs("reviews", "reviews", "v3"));
      const r = await lint(["-f", "json", "bad.yaml"]);
      expect(r.code).toBe(1);
      const json = JSON.parse(r.out) as { diagnostics: { ruleId: string; file?: string; line?: number; related: { resource: { kind: string } }[] }[] };
      const found = json.diagnostics.find((d) => d.ruleId === "virtualservice-subset-not-found");
      expect(found).toMatchObject({ file: "bad.yaml", line: 12 });
      // The same file alone cannot know: the DestinationRule is only in the cluster.
      let out = "";
      const alone = await run(["-f", "json", "bad.yaml"], { cwd: dir, env: {}, stdoutIsTTY: false, write: (t) => void (out += t), error: () => {}, readStdin: async () => "" });
      expect(alone).toBe(0);
      expect(out).not.toContain("virtualservice-subset-not-found");
    });

    it("with -n, still finds what the namespace's objects refer to in other namespaces (no false error)", async () => {
      expect((await apply(gatewayIn("edge", "shop/reviews.example.com"))).code).toBe(0);
      writeFileSync(
        join(dir, "edge.yaml"),
        `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-edge, namespace: shop }
spec:
  hosts: ["reviews.example.com"]
  gateways: ["edge/public"]
  http: [{ route: [{ destination: { host: reviews } }] }]
`,
      );
      const r = await lint(["-f", "json", "edge.yaml"]);
      const json = JSON.parse(r.out) as { diagnostics: { ruleId: string; message: string }[] };
      expect(json.diagnostics.filter((d) => d.ruleId === "virtualservice-gateway-not-found")).toEqual([]);
      // The reference is checked, not ignored: a Gateway that is nowhere is still reported.
      writeFileSync(join(dir, "edge.yaml"), readFileSync(join(dir, "edge.yaml"), "utf8").replace("edge/public", "edge/nowhere"));
      const bad = JSON.parse((await lint(["-f", "json", "edge.yaml"])).out) as { diagnostics: { ruleId: string }[] };
      expect(bad.diagnostics.map((d) => d.ruleId)).toContain("virtualservice-gateway-not-found");
      rmSync(join(dir, "edge.yaml"));
    });

    describe("with a namespace-scoped Role (README's)", () => {
      // README's Role and RoleBinding exactly as written, bound to the ServiceAccount shop/meshlint, which the admin
      // impersonates (kubeconfig `as:`): RBAC judges the impersonated name as if it had logged in.
      const readmeRole = () => {
        const block = /```yaml\n(# meshlint --cluster -n shop[\s\S]*?)```/.exec(readFileSync(join(ROOT, "README.md"), "utf8"));
        if (!block) throw new Error("README.md has no namespace-scoped Role block");
        return block[1]!;
      };
      const kubeconfigAs = (user: string) => {
        const file = join(dir, `kubeconfig-${user.replace(/[^a-z]/g, "-")}`);
        writeFileSync(file, readFileSync(kubeconfig, "utf8").replace(/^(\s+)token: (.*)$/m, `$1token: $2\n$1as: ${user}`));
        return file;
      };
      const lintAs = async (file: string, args: string[]) => {
        let out = "";
        let err = "";
        const io: CliIo = { cwd: dir, env: {}, stdoutIsTTY: false, write: (t) => void (out += t), error: (t) => void (err += t), readStdin: async () => "" };
        const code = await run(["--cluster", "--kubeconfig", file, "-n", "shop", ...args], io);
        return { code, out, err, json: JSON.parse(out) as { diagnostics: { ruleId: string; severity: string; help?: string; file?: string }[] } };
      };
      const routed = (gateway: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-public, namespace: shop }
spec:
  hosts: ["reviews.example.com"]
  gateways: ["${gateway}"]
  http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]
`;

      beforeAll(async () => {
        expect((await apply(gatewayIn("front", "*"))).code).toBe(0);
        expect((await apply("apiVersion: v1\nkind: Namespace\nmetadata: { name: istio-system }\n")).code).toBe(0);
        expect((await kubectl(["-n", "shop", "create", "serviceaccount", "meshlint"])).code).toBe(0);
        expect((await apply(readmeRole())).code).toBe(0);
      });

      it("reads shop, reports no error for what it may not read, and names that once", async () => {
        writeFileSync(join(dir, "role.yaml"), routed("front/public"));
        const r = await lintAs(kubeconfigAs("system:serviceaccount:shop:meshlint"), ["-f", "json", "role.yaml"]);
        expect(r.code).toBe(0);
        expect(r.json.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
        expect(r.err).toMatch(/not read outside namespace "shop": .*networking\.istio\.io\/Gateway.*; findings that rest on them are infos/);
        expect(r.err).toMatch(/not read: .*Namespace.*what files alone assume is used instead/);
        // shop's objects were read: a subset its DestinationRule lacks is still found.
        writeFileSync(join(dir, "role.yaml"), routed("front/public").replace("subset: v1", "subset: v7"));
        const bad = await lintAs(kubeconfigAs("system:serviceaccount:shop:meshlint"), ["-f", "json", "role.yaml"]);
        expect(bad.json.diagnostics.map((d) => d.ruleId)).toContain("virtualservice-subset-not-found");
        rmSync(join(dir, "role.yaml"));
      });

      it("never reports as an error or warning what the ClusterRole's read does not (mesh-wide policies in istio-system)", async () => {
        const meshWide = `apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata: { name: default, namespace: istio-system }
spec: { mtls: { mode: STRICT } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: deny-all, namespace: istio-system }
spec: {}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: mesh-mtls, namespace: istio-system }
spec: { host: "*.local", trafficPolicy: { tls: { mode: ISTIO_MUTUAL } } }
`;
        expect((await apply(meshWide)).code).toBe(0);
        const mistakes = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-typo, namespace: shop }
spec:
  hosts: [reviews]
  http: [{ route: [{ destination: { host: reviews, subset: v9 } }, { destination: { host: ratingz, subset: v1 } }] }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ratings-plain, namespace: shop }
spec: { host: ratings, trafficPolicy: { tls: { mode: DISABLE } } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: reviews-viewer, namespace: shop }
spec:
  selector: { matchLabels: { app: reviews } }
  rules: [{ from: [{ source: { principals: ["cluster.local/ns/shop/sa/nobody"] } }], to: [{ operation: { ports: ["9999"] } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: front, namespace: shop }
spec:
  hosts: ["shop.example.com"]
  gateways: [front/public, shop/nowhere]
  http: [{ route: [{ destination: { host: reviews, port: { number: 9090 } } }] }]
`;
        writeFileSync(join(dir, "mistakes.yaml"), mistakes);
        const key = (d: { ruleId: string; file?: string; path?: string }) => `${d.ruleId} ${d.file ?? ""} ${String(d.path)}`;
        const admin = await lintAs(kubeconfig, ["-f", "json", "mistakes.yaml"]);
        const role = await lintAs(kubeconfigAs("system:serviceaccount:shop:meshlint"), ["-f", "json", "mistakes.yaml"]);
        const rank = { info: 1, warning: 2, error: 3 } as Record<string, number>;
        const adminSeverity = new Map(admin.json.diagnostics.map((d) => [key(d), rank[d.severity]!]));
        const beyond = role.json.diagnostics.filter((d) => d.severity !== "info" && (adminSeverity.get(key(d)) ?? 0) < rank[d.severity]!);
        expect(beyond).toEqual([]);
        // Not vacuous: the ClusterRole's read finds errors there, and the Role's still finds some (shop's own).
        expect(admin.json.diagnostics.filter((d) => d.severity === "error").length).toBeGreaterThan(3);
        expect(role.json.diagnostics.some((d) => d.severity === "error")).toBe(true);
        rmSync(join(dir, "mistakes.yaml"));
        // The later tests count shop's findings without mesh-wide policies.
        expect((await kubectl(["delete", "-f", "-"], meshWide)).code).toBe(0);
      });

      it("with the Role in shop and istio-system and Namespaces listable, a Gateway it could not list is not an error (was a false error)", async () => {
        expect((await apply(readmeRole().replaceAll("namespace: shop", "namespace: istio-system").replace(/(subjects:[\s\S]*namespace: )istio-system/, "$1shop"))).code).toBe(0);
        const namespaces = `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: namespace-reader }
rules: [{ apiGroups: [""], resources: [namespaces], verbs: [get, list] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: namespace-reader }
roleRef: { apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: namespace-reader }
subjects: [{ kind: ServiceAccount, name: meshlint, namespace: shop }]
`;
        expect((await apply(namespaces)).code).toBe(0);
        writeFileSync(join(dir, "role.yaml"), routed("front/public"));
        const r = await lintAs(kubeconfigAs("system:serviceaccount:shop:meshlint"), ["-f", "json", "role.yaml"]);
        expect(r.json.diagnostics.filter((d) => d.ruleId === "virtualservice-gateway-not-found" && d.severity !== "info")).toEqual([]);
        const gateway = r.json.diagnostics.find((d) => d.ruleId === "virtualservice-gateway-not-found");
        expect(gateway?.help).toContain('Not certain: meshlint could not read Gateway (networking.istio.io) objects in namespace "front".');
        expect(r.code).toBe(0);
        rmSync(join(dir, "role.yaml"));
      });
    });

    it("names objects that came from the cluster by kind, namespace, name and field path", async () => {
      // An object the webhook would refuse, stored while it is not registered.
      expect((await kubectl(["delete", "validatingwebhookconfiguration", "meshlint-test"])).code).toBe(0);
      expect((await apply(vs("ratings-canary", "ratings", "v9"))).code).toBe(0);
      const r = await lint(["-f", "compact"]);
      expect(r.code).toBe(1);
      expect(r.out).toContain('VirtualService/shop/ratings-canary: line 1, col 1, Error - Subset "v9" of host "ratings" is not defined');
      expect(r.out).toMatch(/\d+ resources from the cluster and 0 files: 1 error/);
      const json = JSON.parse((await lint(["-f", "json"])).out) as { diagnostics: Record<string, unknown>[] };
      expect(json.diagnostics[0]).toMatchObject({ path: "spec.http[0].route[0].destination.subset", resource: { kind: "VirtualService", namespace: "shop", name: "ratings-canary" } });
      expect(json.diagnostics[0]).not.toHaveProperty("file");
    });
  });
});

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: "127.0.0.1", port, path, rejectUnauthorized: false }, (res) => {
      let body = "";
      res.on("data", (c: Buffer) => (body += c.toString()));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    })
      .on("error", reject)
      .end();
  });
}

async function metric(port: number, line: string): Promise<boolean> {
  return (await get(port, "/metrics")).body.includes(line);
}

async function waitFor(ok: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error("timed out waiting for the webhook's index");
    await new Promise((r) => setTimeout(r, 200));
  }
}
