import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { lint } from "../../src/api.js";
import { limitWarnings } from "../../src/webhook/decision.js";
import { type RunningWebhook, runWebhook } from "../../src/webhook/webhook.js";
import { hasOpenssl, makeCertificate } from "../helpers/certificate.js";

// The webhook over real HTTPS, with its index built from manifests (--index-from): every HTTP answer, the AdmissionReview
// contract, and findings on the object and on the objects it affects. Needs the openssl command for a certificate.

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
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets: [{ name: v1, labels: { version: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: nobody, namespace: shop }
spec:
  selector: { matchLabels: { app: gone } }
  action: ALLOW
`;

const virtualService = (name: string, host: string, subset: string) => ({
  apiVersion: "networking.istio.io/v1",
  kind: "VirtualService",
  metadata: { name, namespace: "shop" },
  spec: { hosts: [host], http: [{ route: [{ destination: { host, subset } }] }] },
});

const review = (request: Record<string, unknown>, apiVersion = "admission.k8s.io/v1") =>
  JSON.stringify({
    apiVersion,
    kind: "AdmissionReview",
    request: { uid: "3f1d", namespace: "shop", dryRun: false, userInfo: { username: "test" }, ...request },
  });

const gvk = (kind: string, group = "networking.istio.io") => ({ kind: { group, version: "v1", kind }, resource: { group, version: "v1", resource: `${kind.toLowerCase()}s` } });

interface Answer {
  status: number;
  body: string;
  json: { apiVersion?: string; response?: { uid: string; allowed: boolean; status?: { code: number; message: string }; warnings?: string[] } };
}

function post(port: number, body: string | Buffer, headers: Record<string, string> = { "Content-Type": "application/json" }, path = "/validate", method = "POST"): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, path, method, headers, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json = {};
        try {
          json = JSON.parse(text);
        } catch {
          // not JSON: a plain-text refusal
        }
        resolve({ status: res.statusCode ?? 0, body: text, json });
      });
    });
    req.on("error", reject);
    req.end(body);
  });
}

describe.skipIf(!hasOpenssl())("meshlint webhook (index from manifests; skipped without the openssl command)", () => {
  let dir: string;
  let webhook: RunningWebhook;
  let port: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "meshlint-webhook-"));
    writeFileSync(join(dir, "world.yaml"), WORLD);
    const { cert, key } = makeCertificate(dir);
    webhook = await runWebhook({ certFile: cert, keyFile: key, host: "127.0.0.1", port: 0, denyOn: "error", auditIntervalMs: 3_600_000, cwd: dir, indexFrom: ["world.yaml"], log: () => {} });
    port = webhook.port;
    await webhook.ready;
  }, 60_000);
  afterAll(async () => {
    await webhook?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("rejects a VirtualService routing to an undefined subset, naming the field and the subset", async () => {
    const a = await post(port, review({ ...gvk("VirtualService"), name: "canary", operation: "CREATE", object: virtualService("canary", "ratings", "v9") }));
    expect(a.status).toBe(200);
    expect(a.json.apiVersion).toBe("admission.k8s.io/v1");
    expect(a.json.response?.uid).toBe("3f1d");
    expect(a.json.response?.allowed).toBe(false);
    expect(a.json.response?.status?.code).toBe(403);
    expect(a.json.response?.status?.message).toContain('spec.http[0].route[0].destination.subset: Subset "v9" of host "ratings" is not defined');
  });

  it("admits a correct one, and answers v1beta1 reviews in v1beta1", async () => {
    const a = await post(port, review({ ...gvk("VirtualService"), name: "ok", operation: "CREATE", object: virtualService("ok", "ratings", "") }, "admission.k8s.io/v1beta1"));
    expect(a.json.apiVersion).toBe("admission.k8s.io/v1beta1");
    expect(a.json.response).toMatchObject({ uid: "3f1d", allowed: true });
  });

  it("rejects a DestinationRule update that removes a subset another object routes to, naming that object", async () => {
    const dr = { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: "reviews", namespace: "shop" }, spec: { host: "reviews", subsets: [{ name: "v2", labels: { version: "v2" } }] } };
    const a = await post(port, review({ ...gvk("DestinationRule"), name: "reviews", operation: "UPDATE", object: dr, oldObject: dr }));
    expect(a.json.response?.allowed).toBe(false);
    expect(a.json.response?.status?.message).toContain('VirtualService shop/reviews spec.http[0].route[0].destination.subset: Subset "v1" is not defined');
  });

  it("rejects deleting a Service that a route still sends traffic to", async () => {
    const svc = { apiVersion: "v1", kind: "Service", metadata: { name: "reviews", namespace: "shop" } };
    const a = await post(port, review({ kind: { group: "", version: "v1", kind: "Service" }, name: "reviews", operation: "DELETE", oldObject: svc }));
    expect(a.json.response?.allowed).toBe(false);
    expect(a.json.response?.status?.message).toMatch(/VirtualService shop\/reviews spec\.http\[0\]\.route\[0\]\.destination\.host: .*reviews/);
  });

  it("answers dry-run requests the same way, and counts them apart in /metrics", async () => {
    const a = await post(port, review({ ...gvk("VirtualService"), name: "canary", operation: "CREATE", dryRun: true, object: virtualService("canary", "ratings", "v9") }));
    expect(a.json.response?.allowed).toBe(false);
    const metrics = await post(port, "", {}, "/metrics", "GET");
    expect(metrics.body).toContain('meshlint_webhook_requests_total{operation="CREATE",kind="VirtualService",decision="deny",dry_run="true"} 1');
    expect(metrics.body).toMatch(/meshlint_webhook_request_duration_seconds_bucket\{le="10"\} \d+/);
    expect(metrics.body).toContain("meshlint_ready 1");
  });

  it("refuses malformed requests with the right HTTP status", async () => {
    expect((await post(port, "{}", { "Content-Type": "text/plain" })).status).toBe(415);
    expect((await post(port, "")).status).toBe(400);
    expect((await post(port, Buffer.alloc(6 * 1024 * 1024 + 10, 32))).status).toBe(413);
    expect((await post(port, "", {}, "/validate", "GET")).status).toBe(405);
    expect((await post(port, "", {}, "/elsewhere", "GET")).status).toBe(404);
    // Undecodable, but with a readable uid: an AdmissionReview refusing it.
    const broken = await post(port, '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"abc-1", "object": {');
    expect(broken.status).toBe(200);
    expect(broken.json.response).toMatchObject({ uid: "abc-1", allowed: false, status: { code: 400 } });
    expect((await post(port, "not json at all")).status).toBe(400);
  });

  it("accepts gzip request bodies", async () => {
    const body = gzipSync(review({ ...gvk("VirtualService"), name: "canary", operation: "CREATE", object: virtualService("canary", "ratings", "v9") }));
    const a = await post(port, body, { "Content-Type": "application/json", "Content-Encoding": "gzip" });
    expect(a.json.response?.allowed).toBe(false);
  });

  it("audits the whole index: the findings of a full lint, no drift from the incremental state, in /metrics", async () => {
    const result = (await webhook.audit())!;
    const full = await lint(["world.yaml"], { cwd: dir });
    expect(result.drift).toBe(0);
    expect(result.diagnostics.length).toBeGreaterThan(0);
    expect(result.diagnostics.map((d) => `${d.ruleId} ${d.message}`).sort()).toEqual(full.diagnostics.map((d) => `${d.ruleId} ${d.message}`).sort());
    const metrics = await post(port, "", {}, "/metrics", "GET");
    for (const d of result.diagnostics) expect(metrics.body).toContain(`meshlint_audit_findings{rule="${d.ruleId}",severity="${d.severity}"}`);
    expect(metrics.body).toContain("meshlint_audit_drift 0");
  });

  it("answers /healthz and /readyz", async () => {
    expect((await post(port, "", {}, "/healthz", "GET")).status).toBe(200);
    expect((await post(port, "", {}, "/readyz", "GET")).status).toBe(200);
  });
});

describe("webhook warnings", () => {
  it("cuts each warning at 120 characters and all of them at 4096, saying how many were left out", () => {
    const lines = Array.from({ length: 60 }, (_, i) => `warning ${i}: ${"x".repeat(200)}`);
    const out = limitWarnings(lines);
    expect(out.every((w) => w.length <= 120)).toBe(true);
    expect(out.join("").length).toBeLessThanOrEqual(4096);
    expect(out.at(-1)).toMatch(/^\d+ more findings$/);
    expect(Number(/^(\d+)/.exec(out.at(-1)!)![1]) + out.length - 1).toBe(60);
    expect(limitWarnings(["short"])).toEqual(["short"]);
  });
});
