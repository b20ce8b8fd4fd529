import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { describe, expect, it } from "vitest";
import { builtinRules } from "../rules/index.js";
import { kindsRead, lint } from "../src/api.js";
import { MESH_CONFIG_MAPS } from "../src/cluster/reader.js";
import { ROOT } from "./helpers/fixtures.js";

// deploy/ is what users apply to run `meshlint webhook`: meshlint must find nothing wrong in it, and its read-only
// RBAC must grant exactly what the rules read (a new kind a rule starts to read must be added there).

interface PolicyRule {
  readonly apiGroups: string[];
  readonly resources: string[];
  readonly verbs: string[];
  readonly resourceNames?: string[];
}

const documents = (file: string) => parseAllDocuments(readFileSync(join(ROOT, "deploy", file), "utf8")).map((d) => d.toJS() as { kind: string; metadata: { name: string; namespace?: string }; rules?: PolicyRule[] });

/** The resource name Kubernetes gives a kind (these kinds follow the regular English plural). */
const plural = (kind: string) => {
  const lower = kind.toLowerCase();
  return /[^aeiou]y$/.test(lower) ? `${lower.slice(0, -1)}ies` : lower.endsWith("s") ? `${lower}es` : `${lower}s`;
};

describe("deploy/", () => {
  it("lints clean", async () => {
    const result = await lint(["deploy"], { cwd: ROOT });
    expect(result.diagnostics.map((d) => `${d.file}:${d.span?.line} ${d.ruleId} ${d.message}`)).toEqual([]);
    expect(result.summary.resources).toBeGreaterThanOrEqual(10);
  });

  it("grants get, list and watch on every kind the rules read, never Secrets, and the mesh ConfigMaps by name only", () => {
    const rbac = documents("rbac.yaml");
    const role = rbac.find((d) => d.kind === "ClusterRole")!;
    const granted = new Set(
      role.rules!.filter((r) => ["get", "list", "watch"].every((v) => r.verbs.includes(v))).flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => `${g}/${res}`))),
    );
    const needed = kindsRead(builtinRules().rules).filter((k) => k.kind !== "Secret" && k.kind !== "ConfigMap");
    expect(needed.length).toBeGreaterThan(40);
    expect(needed.map((k) => `${k.group}/${plural(k.kind)}`).filter((r) => !granted.has(r))).toEqual([]);
    // Nothing beyond what the rules read (and the access reviews meshlint asks before listing).
    const read = new Set(needed.map((k) => `${k.group}/${plural(k.kind)}`));
    expect([...granted].filter((r) => !read.has(r))).toEqual([]);
    expect(role.rules!.find((r) => r.resources.includes("selfsubjectaccessreviews"))?.verbs).toEqual(["create"]);
    expect([...granted].some((r) => r.startsWith("/secrets") || r.startsWith("/configmaps"))).toBe(false);
    const configMaps = rbac.find((d) => d.kind === "Role")!;
    expect(configMaps.metadata.namespace).toBe("istio-system");
    expect(configMaps.rules).toEqual([{ apiGroups: [""], resources: ["configmaps"], resourceNames: [...MESH_CONFIG_MAPS], verbs: ["get", "list", "watch"] }]);
  });

  it("registers the webhook as the issue asks: v1 reviews, no side effects, its own namespace and kube-system left out", () => {
    const [config] = documents("validatingwebhookconfiguration.yaml") as unknown as { webhooks: Record<string, unknown>[]; metadata: { annotations: Record<string, string> } }[];
    const [webhook] = config!.webhooks;
    expect(webhook).toMatchObject({ sideEffects: "None", admissionReviewVersions: ["v1"], matchPolicy: "Equivalent", failurePolicy: "Ignore", timeoutSeconds: 5 });
    expect(webhook!.namespaceSelector).toEqual({ matchExpressions: [{ key: "kubernetes.io/metadata.name", operator: "NotIn", values: ["kube-system", "meshlint"] }] });
    expect(config!.metadata.annotations["cert-manager.io/inject-ca-from"]).toBe("meshlint/meshlint-webhook");
  });

  it("runs the image the Dockerfile builds as the Deployment's user, on its port, with the webhook's arguments", () => {
    // The last stage's instructions (a multi-stage build: earlier stages' USER or ENTRYPOINT do not reach the image).
    const dockerfile = readFileSync(join(ROOT, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
    const stages = dockerfile.split(/^FROM /m);
    const last = stages[stages.length - 1]!;
    const instruction = (name: string) => new RegExp(`^${name} (.*)$`, "m").exec(last)?.[1];
    const [deployment] = documents("deployment.yaml") as unknown as {
      spec: { template: { spec: { securityContext: { runAsUser: number; runAsGroup: number }; containers: { args: string[]; ports: { containerPort: number }[] }[] } } };
    }[];
    const pod = deployment!.spec.template.spec;
    // Numeric, so that runAsNonRoot can be checked against the image alone.
    expect(instruction("USER")).toBe(`${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`);
    expect(instruction("EXPOSE")).toBe(String(pod.containers[0]!.ports[0]!.containerPort));
    expect(pod.containers[0]!.args).toContain(`--listen=0.0.0.0:${pod.containers[0]!.ports[0]!.containerPort}`);
    expect(JSON.parse(instruction("ENTRYPOINT")!)).toEqual(["/usr/bin/tini", "--", "node", "/app/bin/meshlint.js"]);
    expect(pod.containers[0]!.args[0]).toBe("webhook");
  });

  it("installs the image's production dependencies without install scripts only while none has one", () => {
    // The Dockerfile runs `npm ci --omit=dev --ignore-scripts`: a production dependency that needs its install script
    // (a native module) would be installed broken.
    expect(readFileSync(join(ROOT, "Dockerfile"), "utf8")).toMatch(/npm ci --omit=dev --ignore-scripts/);
    const lock = JSON.parse(readFileSync(join(ROOT, "package-lock.json"), "utf8")) as { packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }> };
    expect(Object.entries(lock.packages).filter(([, p]) => p.hasInstallScript && !p.dev).map(([name]) => name)).toEqual([]);
  });
});
