import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import autocannon from "autocannon";
import { PACKAGE_ROOT } from "../src/base/package.js";
import { generate } from "./bench-repo.js";
import { cpuMs, load, peakRssMb } from "./proc.js";

// `npm run bench:webhook`: `meshlint webhook` with the 10k-resource bench repository as its index (--index-from, so
// no API server is needed), AdmissionReviews over loopback TLS from autocannon at fixed rates for 30 s each.
// Requests are a mix over the whole repository (VirtualService updates, new VirtualServices, DestinationRule updates,
// AuthorizationPolicy updates), each body different, so nothing can be answered from a cache.
// Usage: npm run bench:webhook [-- --rates 100,500,1000 --seconds 30 --resources 10000]

interface Row {
  readonly rate: number;
  readonly requests: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  readonly rssMb: number;
  /** The webhook's CPU time per answered request. */
  readonly cpuMs: number;
  /** The 1-minute load average when the rate was done. */
  readonly load: string;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RATES = option("rates", "100,500,1000").split(",").map(Number);
const SECONDS = Number(option("seconds", "30"));
const RESOURCES = Number(option("resources", "10000"));

function bodies(namespaces: number): string[] {
  const out: string[] = [];
  const review = (request: Record<string, unknown>) =>
    JSON.stringify({ apiVersion: "admission.k8s.io/v1", kind: "AdmissionReview", request: { dryRun: false, userInfo: { username: "bench" }, ...request } });
  for (let i = 0; i < 400; i++) {
    const ns = `team-${String(i % namespaces).padStart(4, "0")}`;
    const app = `svc-${i % 20}`;
    const uid = `bench-${i}`;
    const vsKind = { group: "networking.istio.io", version: "v1", kind: "VirtualService" };
    const weight = 50 + (i % 50);
    const vs = (name: string, subset: string) => ({
      apiVersion: "networking.istio.io/v1",
      kind: "VirtualService",
      metadata: { name, namespace: ns },
      spec: { hosts: [app], http: [{ route: [{ destination: { host: app, subset: "v1" }, weight }, { destination: { host: app, subset }, weight: 100 - weight }] }] },
    });
    switch (i % 10) {
      case 0:
      case 1:
      case 2:
      case 3: // an update of an existing VirtualService (new weights; one in eight routes to a missing subset)
        out.push(review({ uid, kind: vsKind, namespace: ns, name: app, operation: "UPDATE", object: vs(app, i % 8 === 0 ? "v9" : "v2"), oldObject: vs(app, "v2") }));
        break;
      case 4:
      case 5: // a new VirtualService for another host
        out.push(review({ uid, kind: vsKind, namespace: ns, name: `canary-${i}`, operation: "CREATE", object: { ...vs(`canary-${i}`, "v2"), spec: { hosts: [`canary-${i}.example.com`], gateways: [`${ns}-gateway`], http: [{ route: [{ destination: { host: app, subset: "v2" } }] }] } } }));
        break;
      case 6:
      case 7:
      case 8: {
        // a DestinationRule update; every third one drops the subset the VirtualService routes to
        const subsets = i % 3 === 0 ? [{ name: "v1", labels: { version: "v1" } }] : [{ name: "v1", labels: { version: "v1" } }, { name: "v2", labels: { version: "v2" } }];
        const dr = { apiVersion: "networking.istio.io/v1", kind: "DestinationRule", metadata: { name: app, namespace: ns }, spec: { host: app, trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 100 + i } } }, subsets } };
        out.push(review({ uid, kind: { group: "networking.istio.io", version: "v1", kind: "DestinationRule" }, namespace: ns, name: app, operation: "UPDATE", object: dr, oldObject: dr }));
        break;
      }
      default: {
        // an AuthorizationPolicy update
        const ap = { apiVersion: "security.istio.io/v1", kind: "AuthorizationPolicy", metadata: { name: app, namespace: ns }, spec: { selector: { matchLabels: { app } }, action: "ALLOW", rules: [{ to: [{ operation: { methods: ["GET"], paths: [`/api/v${i}/*`] } }] }] } };
        out.push(review({ uid, kind: { group: "security.istio.io", version: "v1", kind: "AuthorizationPolicy" }, namespace: ns, name: app, operation: "UPDATE", object: ap, oldObject: ap }));
      }
    }
  }
  return out;
}

function get(port: number, path: string): Promise<number> {
  return new Promise((resolve) => {
    request({ host: "127.0.0.1", port, path, rejectUnauthorized: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    })
      .on("error", () => resolve(0))
      .end();
  });
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "meshlint-bench-webhook-"));
  const repo = join(root, "repo");
  const made = generate(repo, RESOURCES);
  const namespaces = Math.round(made.resources / 143);
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "tls.key"), "-out", join(root, "tls.crt"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  const started = Date.now();
  const child = spawn(process.execPath, [join(PACKAGE_ROOT, "bin", "meshlint.js"), "webhook", "--tls-cert", join(root, "tls.crt"), "--tls-key", join(root, "tls.key"), "--listen", "127.0.0.1:0", "--index-from", repo, "--audit-interval", "24h"], { stdio: ["ignore", "ignore", "pipe"] });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on("line", (line) => {
      const event = JSON.parse(line) as { msg: string; port?: number };
      if (event.msg === "listening" && event.port) resolve(event.port);
    });
    child.on("exit", (code) => reject(new Error(`meshlint webhook exited (${code})`)));
  });
  while ((await get(port, "/readyz")) !== 200) await new Promise((r) => setTimeout(r, 200));
  console.error(`index of ${made.resources} resources ready in ${((Date.now() - started) / 1000).toFixed(1)} s; RSS ${peakRssMb(child.pid!)} MB; load ${load()}`);

  const requests = bodies(namespaces).map((body) => ({ method: "POST" as const, path: "/validate", headers: { "content-type": "application/json" }, body }));
  // Warm-up: the first requests compile schemas and fill the engine's tables.
  await autocannon({ url: `https://127.0.0.1:${port}`, connections: 10, amount: 2000, requests });
  const rows: Row[] = [];
  for (const rate of RATES) {
    const cpuBefore = cpuMs(child.pid!);
    const result = await autocannon({ url: `https://127.0.0.1:${port}`, connections: 50, overallRate: rate, duration: SECONDS, requests, timeout: 10 });
    const cpu = cpuMs(child.pid!) - cpuBefore;
    rows.push({
      rate,
      requests: result.requests.total,
      p50: result.latency.p50,
      p99: result.latency.p99,
      max: result.latency.max,
      errors: result.errors + result.timeouts + result.non2xx,
      rssMb: peakRssMb(child.pid!),
      cpuMs: result.requests.total ? cpu / result.requests.total : 0,
      load: load(),
    });
    console.error(`measured ${rate} req/s`);
  }
  child.kill("SIGTERM");
  rmSync(root, { recursive: true, force: true });
  console.log(
    [
      `${made.resources.toLocaleString("en")} resources in the index; ${SECONDS} s per rate; ${requests.length} different AdmissionReviews (VirtualService and DestinationRule updates, new VirtualServices, AuthorizationPolicy updates)`,
      "",
      "| target rate | requests answered | p50 | p99 | max | failed requests | webhook CPU per request | peak RSS | load average |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map(
        (r) =>
          `| ${r.rate} req/s | ${r.requests.toLocaleString("en")} | ${r.p50} ms | ${r.p99} ms | ${r.max} ms | ${r.errors} | ${r.cpuMs.toFixed(2)} ms | ${r.rssMb} MB | ${r.load} |`,
      ),
    ].join("\n"),
  );
}

void main();
