import { execFileSync } from "node:child_process";

/** Whether kubectl with Kustomize v5 (components, `patches` with targets) is installed: what rendering tests use. */
export function hasKustomize5(): boolean {
  try {
    const out = execFileSync("kubectl", ["version", "--client"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
    return Number(/Kustomize Version: v(\d+)/.exec(out)?.[1] ?? 0) >= 5;
  } catch {
    return false;
  }
}
