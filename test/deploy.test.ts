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
});
