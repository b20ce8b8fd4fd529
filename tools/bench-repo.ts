import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The synthetic repositories of `npm run bench`: namespaces of 20 applications, one file per application (a
// ServiceAccount, a Service, two Deployments, a DestinationRule, a VirtualService and an AuthorizationPolicy) plus
// one file per namespace (Namespace, Gateway, PeerAuthentication). One application in a hundred has planted
// mistakes, so positions are computed for a realistic share of files.

// ServiceAccount, Service, 2 Deployments, DestinationRule, VirtualService, AuthorizationPolicy
const APP_RESOURCES = 7;

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

/** Edits one application file (its first Deployment's replica count, alternating), as a developer would between runs. */
export function changeOneFile(dir: string, round: number): void {
  const file = join(dir, "team-0000", "app-0.yaml");
  const text = readFileSync(file, "utf8");
  writeFileSync(file, text.replace(/replicas: \d+/, `replicas: ${3 + (round % 2)}`));
}
