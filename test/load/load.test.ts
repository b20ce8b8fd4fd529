import { chmodSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/api.js";
import { emptyConfig } from "../../src/engine/config.js";
import { tempRepo } from "../helpers/temp-repo.js";

const lintDir = (dir: string, inputs: string[] = ["."], extra: object = {}) =>
  lint(inputs, { cwd: dir, config: emptyConfig(dir), ...extra });
const ids = (r: Awaited<ReturnType<typeof lint>>) => r.diagnostics.map((d) => `${d.file}:${d.span?.line ?? "-"} ${d.ruleId}`);

const service = (name: string, ns = "shop") =>
  `apiVersion: v1\nkind: Service\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n  selector: { app: ${name} }\n  ports: [{ name: http, port: 80 }]\n`;

describe("loader", () => {
  it("keeps file-global lines across --- so positions in later documents are exact", async () => {
    const dir = tempRepo({
      "a.yaml": `${service("one")}---\n# comment\n---\n${service("two")}---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: vs, namespace: shop }\nspec:\n  hosts: [one]\n  http:\n    - route:\n        - destination:\n            host: nowhere\n`,
    });
    const r = await lintDir(dir);
    const d = r.diagnostics.find((x) => x.ruleId === "virtualservice-destination-host-not-found");
    expect(d?.span).toMatchObject({ line: 29, column: 19, endLine: 29, endColumn: 26 });
    expect(r.summary.resources).toBe(3);
  });

  it("reads folders recursively, .yaml/.yml/.json only, in a stable order", async () => {
    const dir = tempRepo({
      "b/svc.yml": service("b"),
      "a/svc.yaml": service("a"),
      "c/svc.json": JSON.stringify({ apiVersion: "v1", kind: "Service", metadata: { name: "c", namespace: "shop" } }),
      "notes.txt": "apiVersion: v1\nkind: Service\nmetadata: { name: txt }\n",
    });
    const r = await lintDir(dir);
    expect(r.files.map((f) => f.file)).toEqual(["a/svc.yaml", "b/svc.yml", "c/svc.json"]);
    expect(r.summary.resources).toBe(3);
  });

  it("expands globs and reads standard input", async () => {
    const dir = tempRepo({ "deploy/a.yaml": service("a"), "deploy/b.yaml": service("b"), "other/c.yaml": service("c") });
    const r = await lintDir(dir, ["deploy/*.yaml", "-"], { stdin: service("d") });
    expect(r.files.map((f) => f.file)).toEqual(["deploy/a.yaml", "deploy/b.yaml", "<stdin>"]);
    expect(r.summary.resources).toBe(3);
  });

  it("reports inputs that name nothing", async () => {
    const dir = tempRepo({ "a.yaml": service("a") });
    const r = await lintDir(dir, ["missing.yaml", "nothing/*.yaml", "a.yaml"]);
    expect(r.unmatched).toEqual(["missing.yaml", "nothing/*.yaml"]);
    expect(r.summary.resources).toBe(1);
  });

  it("honours .gitignore, .meshlintignore (nested, with re-inclusion) and the config's ignore globs", async () => {
    const dir = tempRepo({
      ".gitignore": "build/\n",
      ".meshlintignore": "legacy/*.yaml\n!legacy/keep.yaml\n",
      "build/out.yaml": service("out"),
      "legacy/old.yaml": service("old"),
      "legacy/keep.yaml": service("keep"),
      "team/.gitignore": "generated.yaml\n",
      "team/generated.yaml": service("gen"),
      "team/real.yaml": service("real"),
      "charts/x.yaml": service("x"),
    });
    const r = await lint(["."], { cwd: dir, config: { ...emptyConfig(dir), ignore: ["charts/"] } });
    expect(r.files.map((f) => f.file)).toEqual(["legacy/keep.yaml", "team/real.yaml"]);
  });

  it("expands kind: List, skips and counts documents that are not Kubernetes objects", async () => {
    const dir = tempRepo({
      "list.yaml": `apiVersion: v1\nkind: List\nitems:\n${["a", "b"].map((n) => `  - apiVersion: v1\n    kind: Service\n    metadata: { name: ${n}, namespace: shop }\n    spec: { ports: [{ name: http, port: 80 }] }\n`).join("")}  - just: data\n---\nfoo: bar\n---\n- 1\n- 2\n---\n`,
    });
    const r = await lintDir(dir);
    expect(r.summary.resources).toBe(2);
    expect(r.summary.skipped).toBe(3);
    // Positions inside list items resolve through the items path.
    const dup = await lintDir(tempRepo({ "l.yaml": `apiVersion: v1\nkind: List\nitems:\n  - ${service("a").replace(/\n/g, "\n    ").trimEnd()}\n  - ${service("a").replace(/\n/g, "\n    ").trimEnd()}\n` }));
    expect(dup.diagnostics[0]).toMatchObject({ ruleId: "resource-duplicate", span: { line: 15, column: 13 } });
  });

  it("reports a syntax error at its position and keeps reading the other documents and files", async () => {
    const dir = tempRepo({
      "bad.yaml": `${service("ok")}---\nkind: Service\nmetadata: {\n---\n${service("also-ok")}`,
      "good.yaml": service("good"),
    });
    const r = await lintDir(dir);
    expect(ids(r)).toEqual(["bad.yaml:12 yaml-syntax-error"]);
    expect(r.summary.resources).toBe(3);
    expect(r.files.find((f) => f.file === "bad.yaml")?.status).toBe("parse-error");
  });

  it("reports duplicate keys but still reads the object", async () => {
    const r = await lintDir(tempRepo({ "d.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  name: b\n" }));
    expect(ids(r)).toEqual(["d.yaml:5 yaml-duplicate-key"]);
    expect(r.summary.resources).toBe(1);
  });

  it("bounds alias expansion (billion laughs) without running out of memory", async () => {
    const levels = Array.from({ length: 12 }, (_, i) =>
      i === 0 ? `  l0: &l0 [${Array(10).fill('"lol"').join(", ")}]` : `  l${i}: &l${i} [${Array(10).fill(`*l${i - 1}`).join(", ")}]`,
    );
    const r = await lintDir(tempRepo({ "bomb.yaml": `apiVersion: v1\nkind: ConfigMap\nmetadata: { name: bomb }\ndata:\n${levels.join("\n")}\n` }));
    expect(ids(r)).toEqual(["bomb.yaml:1 yaml-alias-limit-exceeded"]);
  });

  it("skips binary, non-UTF-8 and oversized files with a message", async () => {
    const dir = tempRepo({
      "bin.yaml": new Uint8Array([0x61, 0x3a, 0x00, 0x01]),
      "utf16.yaml": new Uint8Array([0xff, 0xfe, 0x61, 0x00]),
      "latin1.yaml": new Uint8Array([0x61, 0x3a, 0x20, 0xe9, 0x0a]),
      "big.yaml": `${service("big")}# ${"x".repeat(2000)}\n`,
      "ok.yaml": service("ok"),
    });
    const r = await lintDir(dir, ["."], { maxFileSize: 1000 });
    expect(r.diagnostics.map((d) => `${d.file} ${d.ruleId}/${d.messageId}`)).toEqual([
      "big.yaml file-skipped/tooLarge",
      "bin.yaml file-skipped/binary",
      "latin1.yaml file-skipped/notUtf8",
      "utf16.yaml file-skipped/notUtf8",
    ]);
    expect(r.summary).toMatchObject({ resources: 1, skipped: 4, files: 5 });
  });

  it("skips the files past the total size in the inputs' order, whatever order the reads finish in", async () => {
    // Each file is ~520 bytes: with a 1,500-byte total, a.yaml and b.yaml fit, c.yaml (2 KB) is past it, d.yaml
    // still fits after it, e.yaml does not.
    const pad = (n: number) => `# ${"x".repeat(n)}\n`;
    const files = {
      "a.yaml": service("a") + pad(400),
      "b.yaml": service("b") + pad(400),
      "c.yaml": service("c") + pad(2000),
      "d.yaml": service("d") + pad(100),
      "e.yaml": service("e") + pad(400),
    };
    const sizes = Object.values(files).map((t) => Buffer.byteLength(t));
    expect(sizes[0]! + sizes[1]! + sizes[3]!).toBeLessThanOrEqual(1500);
    expect(sizes[0]! + sizes[1]! + sizes[3]! + sizes[4]!).toBeGreaterThan(1500);
    for (let run = 0; run < 3; run++) {
      const r = await lintDir(tempRepo(files), ["."], { maxTotalSize: 1500 });
      expect(r.diagnostics.map((d) => `${d.file} ${d.ruleId}/${d.messageId}`)).toEqual(["c.yaml file-skipped/totalTooLarge", "e.yaml file-skipped/totalTooLarge"]);
      expect(r.diagnostics[0]?.message).toContain("--max-total-size");
      expect(r.summary).toMatchObject({ resources: 3, skipped: 2, files: 5 });
    }
    // The default total is never below --max-file-size: raising that alone lets one big file through.
    const big = await lintDir(tempRepo({ "big.yaml": service("big") + pad(70 * 1024 * 1024) }), ["."], { maxFileSize: 80 * 1024 * 1024 });
    expect(big.diagnostics).toEqual([]);
  });

  it("reports unreadable files and dangling links, and goes on", async () => {
    const dir = tempRepo({ "ok.yaml": service("ok"), "secret.yaml": service("secret") });
    symlinkSync(join(dir, "gone.yaml"), join(dir, "link.yaml"));
    chmodSync(join(dir, "secret.yaml"), 0o000);
    const r = await lintDir(dir);
    const unreadable = r.diagnostics.filter((d) => d.ruleId === "file-unreadable").map((d) => d.file);
    // Root can read a mode-000 file; the dangling link is unreadable for everyone.
    expect(unreadable).toContain("link.yaml");
    expect(r.summary.resources).toBeGreaterThanOrEqual(1);
  });

  it("without rendering (--no-render), skips Helm templates and Kustomize inputs with one message each", async () => {
    const dir = tempRepo({
      "chart/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
      "chart/values.yaml": "replicas: 2\n",
      "chart/templates/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n",
      "chart/crds/crd.yaml": "apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata: { name: widgets.example.com }\n",
      "loose-template.yaml": "{{- if .Values.enabled }}\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n{{- end }}\n",
      "quoted-template-is-data.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: injector }\ndata:\n  values: \"{{ .Values.global }}\"\n  template: |\n    {{ if .Spec }}x{{ end }}\n",
      "app/kustomization.yaml": "resources: [svc.yaml]\npatches:\n  - path: patch.yaml\npatchesStrategicMerge: [smp.yaml]\n",
      "app/svc.yaml": service("svc"),
      "app/patch.yaml": "- op: replace\n  path: /spec/replicas\n  value: 3\n",
      "app/smp.yaml": "apiVersion: apps/v1\nkind: StatefulSet\nmetadata: { name: web }\nspec:\n  template:\n    spec:\n      terminationGracePeriodSeconds: 10\n",
      "app/json6902.yaml": "- op: add\n  path: /metadata/labels/a\n  value: b\n",
    });
    const r = await lintDir(dir, ["."], { render: false });
    const templates = r.diagnostics.filter((d) => d.ruleId === "template-skipped");
    expect(templates.map((d) => d.messageId).sort()).toEqual(["helm", "kustomize"]);
    expect(templates.find((d) => d.messageId === "helm")?.message).toContain("helm template chart | meshlint -");
    expect(templates.find((d) => d.messageId === "kustomize")?.message).toContain("kustomize build app | meshlint -");
    // Only the plain resources are objects: the kustomization's resource and the chart's CRD.
    expect(r.index.resources.filter((x) => x.origin.kind === "file").map((x) => x.name).sort()).toEqual(["injector", "svc", "widgets.example.com"]);
    expect(r.diagnostics.filter((d) => d.severity !== "info")).toEqual([]);
  });

  it("reads YAML as Kubernetes does (YAML 1.1 booleans and octals; base-60 and dates stay strings)", async () => {
    const r = await lintDir(tempRepo({ "c.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\nx:\n  a: yes\n  b: on\n  c: 0755\n  d: 1:30\n  e: 2024-01-01\n  f: 1_000\n" }));
    expect(r.index.resources.find((x) => x.name === "c")?.data.x).toEqual({ a: true, b: true, c: 493, d: "1:30", e: "2024-01-01", f: 1000 });
  });

  it("freezes resource data so no rule can change what another sees", async () => {
    const r = await lintDir(tempRepo({ "s.yaml": service("s") }));
    const s = r.index.resources.find((x) => x.name === "s");
    expect(Object.isFrozen(s?.data)).toBe(true);
    expect(Object.isFrozen((s?.data.spec as { ports: unknown[] }).ports[0])).toBe(true);
  });

  it("points a missing field at its parent key and a collection at its first line", async () => {
    const r = await lintDir(tempRepo({ "s.yaml": service("s") }));
    const s = r.index.resources.find((x) => x.name === "s")!;
    expect(s.origin.locate(["spec", "nope", "deeper"])).toMatchObject({ line: 6, column: 1, endColumn: 5 });
    expect(s.origin.locate(["spec", "ports", 0, "port"])).toMatchObject({ line: 8, column: 31 });
    expect(s.origin.locate(["spec", "selector"])).toMatchObject({ line: 7, column: 3, endColumn: 11 });
    expect(s.origin.locate(["spec", "selector"], "value")).toMatchObject({ line: 7, column: 13 });
  });
});
