import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { PACKAGE_ROOT } from "../src/base/package.js";
import { generate } from "./bench-repo.js";
import type { Report } from "./load-generator.js";
import { load, peakRssMb } from "./proc.js";
import type { ProbeReport } from "./webhook-probe.js";

// `npm run bench:webhook`: `meshlint webhook` with the 10k-resource bench repository as its index (--index-from, so
// no API server is needed), AdmissionReviews over loopback TLS at fixed rates for 30 s each from load-generator.ts,
// an open-loop generator in its own process that times each request from when it was due (see there).
// Requests are a mix over the whole repository (VirtualService updates, new VirtualServices, DestinationRule updates,
// AuthorizationPolicy updates), each body different, so nothing can be answered from a cache. Beside wall-clock
// latency, which other load on the machine stretches, it reports what the webhook's process saw (webhook-probe.ts):
// its CPU time per request, its event loop's delay and its GC pauses.
// Usage: npm run bench:webhook [-- --rates 100,500,1000 --seconds 30 --resources 10000 --connections 32]

interface Row {
  readonly load: Report;
  readonly probe: ProbeReport;
  readonly rssMb: number;
  /** The 1-minute load average when the rate was done. */
  readonly loadAverage: string;
}

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RATES = option("rates", "100,500,1000").split(",").map(Number);
const SECONDS = Number(option("seconds", "30"));
const RESOURCES = Number(option("resources", "10000"));
const CONNECTIONS = option("connections", "32");

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

/** Runs the load generator in its own process; resolves with its report. */
function generateLoad(port: number, bodiesFile: string, rate: number, seconds: number): Promise<Report> {
  return new Promise((resolve, reject) => {
    const generator = join(PACKAGE_ROOT, "dist-tools", "tools", "load-generator.js");
    const child = spawn(process.execPath, [generator, "--port", String(port), "--bodies", bodiesFile, "--rate", String(rate), "--seconds", String(seconds), "--connections", CONNECTIONS], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out) as Report) : reject(new Error(`the load generator exited (${code})`))));
  });
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "meshlint-bench-webhook-"));
  const repo = join(root, "repo");
  const made = generate(repo, RESOURCES);
  const namespaces = Math.round(made.resources / 143);
  execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", join(root, "tls.key"), "-out", join(root, "tls.crt"), "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"], { stdio: "ignore" });
  const bodiesFile = join(root, "bodies.json");
  writeFileSync(bodiesFile, JSON.stringify(bodies(namespaces)));
  const started = Date.now();
  const probe = join(PACKAGE_ROOT, "dist-tools", "tools", "webhook-probe.js");
  const child = spawn(process.execPath, ["--import", probe, join(PACKAGE_ROOT, "bin", "meshlint.js"), "webhook", "--tls-cert", join(root, "tls.crt"), "--tls-key", join(root, "tls.key"), "--listen", "127.0.0.1:0", "--index-from", repo, "--audit-interval", "24h"], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
  const ask = () =>
    new Promise<ProbeReport>((resolve) => {
      child.once("message", (report) => resolve(report as ProbeReport));
      child.send("probe");
    });
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stderr! }).on("line", (line) => {
      const event = JSON.parse(line) as { msg: string; port?: number };
      if (event.msg === "listening" && event.port) resolve(event.port);
    });
    child.on("exit", (code) => reject(new Error(`meshlint webhook exited (${code})`)));
  });
  while ((await get(port, "/readyz")) !== 200) await new Promise((r) => setTimeout(r, 200));
  console.error(`index of ${made.resources} resources ready in ${((Date.now() - started) / 1000).toFixed(1)} s; RSS ${peakRssMb(child.pid!)} MB; load ${load()}`);

  // Warm-up: the first requests compile schemas and fill the engine's tables.
  await generateLoad(port, bodiesFile, 200, 5);
  const rows: Row[] = [];
  for (const rate of RATES) {
    await ask();
    const report = await generateLoad(port, bodiesFile, rate, SECONDS);
    rows.push({ load: report, probe: await ask(), rssMb: peakRssMb(child.pid!), loadAverage: load() });
    console.error(`measured ${rate} req/s${report.failures.length ? `; failures: ${report.failures.join("; ")}` : ""}`);
  }
  child.kill("SIGTERM");
  rmSync(root, { recursive: true, force: true });
  const ms = (n: number) => `${n < 10 ? n.toFixed(1) : Math.round(n).toLocaleString("en")} ms`;
  console.log(
    [
      `${made.resources.toLocaleString("en")} resources in the index; ${SECONDS} s per rate; ${bodies(namespaces).length} different AdmissionReviews (VirtualService and DestinationRule updates, new VirtualServices, AuthorizationPolicy updates); open-loop arrivals, latency from each request's due time, ${CONNECTIONS} keep-alive TLS connections`,
      "",
      "| target rate | answered / due | p50 | p99 | p99.9 | max | failed | webhook CPU per request | event-loop delay p99 (max) | GC pauses: major (longest), minor (longest) | generator lateness p99 | peak RSS | load average |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows.map(({ load: r, probe: p, rssMb, loadAverage }) =>
        [
          `${r.rate} req/s`,
          `${r.answered.toLocaleString("en")} / ${r.sent.toLocaleString("en")}`,
          ms(r.latency.p50),
          ms(r.latency.p99),
          ms(r.latency.p999),
          ms(r.latency.max),
          String(r.failed),
          `${(r.answered ? p.cpuMs / r.answered : 0).toFixed(2)} ms`,
          `${ms(p.loopDelay.p99)} (${ms(p.loopDelay.max)})`,
          `${p.gc.major} (${ms(p.gc.majorMaxMs)}), ${p.gc.minor} (${ms(p.gc.minorMaxMs)})`,
          ms(r.sendLag.p99),
          `${rssMb} MB`,
          loadAverage,
        ].join(" | ").replace(/^/, "| ").replace(/$/, " |"),
      ),
    ].join("\n"),
  );
}

void main();
