import { execFileSync } from "node:child_process";
import { type CliIo, run } from "../../src/cli/main.js";

/** A Service with its workload and a DestinationRule defining subset v1: the world the routes below refer to. */
export const SERVICE_YAML = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec: { selector: { app: web }, ports: [{ name: http, port: 80 }] }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web-v1, namespace: shop }
spec:
  selector: { matchLabels: { app: web, version: v1 } }
  template:
    metadata: { labels: { app: web, version: v1 } }
    spec: { containers: [{ name: web, image: web:1 }] }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: web, namespace: shop }
spec:
  host: web
  subsets: [{ name: v1, labels: { version: v1 } }]
`;

/** A VirtualService routing to subset `subset` of host web; line 8 holds the subset. */
export const routeYaml = (subset: string, name = "web") => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: shop }
spec:
  hosts: [${name}.example.com]
  http:
    - route:
        - destination: { host: web, subset: ${subset} }
`;

/** Runs the CLI in-process. */
export async function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const io: CliIo = {
    cwd,
    env,
    stdoutIsTTY: false,
    write: (t) => (out += t),
    error: (t) => (err += t),
    readStdin: async () => "",
  };
  const code = await run(args, io);
  return { code, out, err };
}

export function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=test@example.com", "-c", "user.name=test", "-c", "init.defaultBranch=main", ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  });
}

export function hasCommand(command: string): boolean {
  try {
    execFileSync(command, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
