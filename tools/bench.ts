import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PACKAGE_ROOT } from "../src/base/package.js";

// `npm run bench`: generates synthetic repositories of 1k, 10k and 100k resources and, for each, measures a full
// meshlint run (the CLI with the JSON reporter) against a bare `yaml` parse of the same files, each in its own
// process so that peak RSS is per run. Figures are ratios within one run on one machine: compare them, not the
// seconds, across machines. Usage: npm run bench [-- 1000 10000]

const APP_RESOURCES = 7;
const SCHEMA_RULES = ["schema-invalid", "validation-rule-failed", "api-version-not-served", "api-version-deprecated"]; // ServiceAccount, Service, 2 Deployments, DestinationRule, VirtualService, AuthorizationPolicy

/** One application; `caller` is the service account its AuthorizationPolicy admits (the next app of the namespace). */
function app(ns: string, name: string, caller: string, broken: boolean): string {
  const deployment = (version: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}-${version}
  namespace: ${ns}
  labels: { app: ${name}, version: ${version} }
spec:
  replicas: 2
  selector:
    matchLabels: { app: ${name}, version: ${version} }
  template:
    metadata:
      labels: { app: ${name}, version: ${version} }
      annotations: { prometheus.io/scrape: "true" }
    spec:
      serviceAccountName: ${name}
      containers:
        - name: ${name}
          image: registry.example.com/${ns}/${name}:${version}
          ports: [{ containerPort: 8080, name: http }]
          resources: { requests: { cpu: 100m, memory: 128Mi } }
`;
  return [
    `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n`,
    `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector: { app: ${name} }\n  ports:\n    - { name: http, port: 80, targetPort: 8080 }\n`,
    deployment("v1"),
    deployment("v2"),
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  host: ${name}
  trafficPolicy:
    connectionPool: { http: { http1MaxPendingRequests: 100 } }
    outlierDetection: { consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s }
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
`,
    `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  hosts: [${name}]
  http:
    - match: [{ headers: { x-canary: { exact: "true" } } }]
      route:
        - destination: { host: ${name}, subset: v2 }
    - route:
        - destination: { host: ${name}, subset: v1 }
          weight: 90
        - destination: { host: ${broken ? `${name}-typo` : name}, subset: ${broken ? "v3" : "v2"} }
          weight: 10
      retries: { attempts: 3, perTryTimeout: 2s }
`,
    `apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  selector:
    matchLabels: { app: ${name} }
  action: ALLOW
  rules:
    - from: [{ source: { principals: ["cluster.local/ns/${ns}/sa/${caller}"] } }]
      to: [{ operation: { methods: [GET, POST], paths: ["/api/*"] } }]
`,
  ].join("---\n");
}

function namespaceFile(ns: string): string {
  return `apiVersion: v1
kind: Namespace
metadata:
  name: ${ns}
  labels: { istio-injection: enabled }
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: ${ns}-gateway
  namespace: ${ns}
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 80, name: http, protocol: HTTP }
      hosts: ["${ns}.example.com"]
---
apiVersion: security.istio.io/v1
kind: PeerAuthentication
metadata:
  name: default
  namespace: ${ns}
spec:
  mtls: { mode: STRICT }
`;
}

/** Writes a repository of about `resources` objects: 20 apps per namespace, one file per app; 1 app in 100 broken. */
export function generate(dir: string, resources: number): { files: number; resources: number; bytes: number } {
  rmSync(dir, { recursive: true, force: true });
  const appsPerNamespace = 20;
  const perNamespace = appsPerNamespace * APP_RESOURCES + 3;
  const namespaces = Math.max(1, Math.round(resources / perNamespace));
  let files = 0;
  let bytes = 0;
  let count = 0;
  const write = (path: string, text: string) => {
    writeFileSync(path, text);
    files++;
    bytes += Buffer.byteLength(text);
  };
  for (let n = 0; n < namespaces; n++) {
    const ns = `team-${String(n).padStart(4, "0")}`;
    mkdirSync(join(dir, ns), { recursive: true });
    write(join(dir, ns, "namespace.yaml"), namespaceFile(ns));
    count += 3;
    for (let a = 0; a < appsPerNamespace; a++) {
      const index = n * appsPerNamespace + a;
      write(join(dir, ns, `app-${a}.yaml`), app(ns, `svc-${a}`, `svc-${(a + 1) % appsPerNamespace}`, index % 100 === 42));
      count += APP_RESOURCES;
    }
  }
  return { files, resources: count, bytes };
}

interface ChildResult {
  readonly ms: number;
  readonly maxRssKb: number;
  readonly resources?: number;
  readonly diagnostics?: number;
}

function child(mode: "meshlint" | "yaml", dir: string, config?: string): ChildResult {
  const script = join(PACKAGE_ROOT, "dist-tools", "tools", "bench-child.js");
  const args = ["--max-old-space-size=8192", script, mode, dir, ...(config ? [config] : [])];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${mode} run failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "{}") as ChildResult;
}

function main(): void {
  const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
  // Outside the project: its .gitignore would hide the repositories from meshlint.
  const root = mkdtempSync(join(tmpdir(), "meshlint-bench-"));
  // The same runs without the schema rules, to show what schema and CEL validation cost.
  const noSchema = join(root, "no-schema.meshlint.yaml");
  writeFileSync(noSchema, SCHEMA_RULES.map((id) => `${id}: off`).reduce((text, line) => `${text}  ${line}\n`, "rules:\n"));
  const rows: string[] = [];
  for (const size of sizes.length ? sizes : [1_000, 10_000, 100_000]) {
    const dir = join(root, `repo-${size}`);
    const made = generate(dir, size);
    const bare = child("yaml", dir);
    const full = child("meshlint", dir);
    const without = child("meshlint", dir, noSchema);
    const mb = (made.bytes / 1024 / 1024).toFixed(1);
    const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
    rows.push(
      `| ${made.resources.toLocaleString("en")} | ${made.files.toLocaleString("en")} | ${mb} MB | ${s(full.ms)} | ${Math.round((made.resources / full.ms) * 1000).toLocaleString("en")} | ${Math.round(full.maxRssKb / 1024)} MB | ${s(without.ms)} | ${Math.round(without.maxRssKb / 1024)} MB | ${s(bare.ms)} | ${Math.round(bare.maxRssKb / 1024)} MB | ${(full.ms / bare.ms).toFixed(2)} | ${full.diagnostics} |`,
    );
    console.error(`measured ${made.resources} resources`);
  }
  console.log(
    [
      "| resources | files | size | meshlint wall | resources/s | peak RSS | without schema rules | peak RSS | bare yaml parse | parse peak RSS | ratio to parse | findings |",
      "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
      ...rows,
    ].join("\n"),
  );
  rmSync(root, { recursive: true, force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();
