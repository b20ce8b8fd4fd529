import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type LintResult, lint } from "../../src/api.js";
import { emptyConfig } from "../../src/engine/config.js";
import { stylish } from "../../src/report/stylish.js";
import { ROOT } from "../helpers/fixtures.js";
import { hasKustomize5 } from "../helpers/kubectl.js";
import { tempRepo } from "../helpers/temp-repo.js";
import { cli, git } from "../integrations/world.js";

const REPOS = join(ROOT, "fixtures", "repos");
const STANDIN = `node ${join(ROOT, "test", "helpers", "helm-standin.mjs")}`;

// kubectl with Kustomize v5 (components, `patches` with targets): the tool these tests render with.
const kubectl = hasKustomize5();
if (!kubectl) console.warn("kubectl with Kustomize v5 is not installed: the Kustomize end-to-end tests are skipped");

const at = (r: LintResult, kind: string, namespace: string, name: string, path: (string | number)[]) => {
  const resource = r.index.resources.find((x) => x.kind === kind && x.namespace === namespace && x.name === name);
  const span = resource?.origin.locate(path);
  return span ? `${span.file}:${span.line}:${span.column}` : undefined;
};
const findings = (r: LintResult) => r.diagnostics.map((d) => `${d.file}:${d.span?.line ?? "-"} ${d.ruleId}`);

describe.runIf(kubectl)("Kustomize, rendered with the real kubectl kustomize", () => {
  const lintRepo = (paths: string[] = ["gitops-kustomize"]) => lint(paths, { cwd: REPOS, config: emptyConfig(REPOS) });

  it("reports a mistake an overlay patch introduced at the patch's line, and no duplicate across overlays", async () => {
    const r = await lintRepo();
    // base, two overlays (prefix, suffix, namespaces, a component, strategic-merge and JSON 6902 patches) and two
    // cluster overlays that deploy the very same objects into namespace shop: four deployments, none a duplicate.
    expect(r.deployments.map((d) => d.name)).toEqual([
      "gitops-kustomize/clusters/eu",
      "gitops-kustomize/clusters/us",
      "gitops-kustomize/overlays/prod",
      "gitops-kustomize/overlays/staging",
    ]);
    expect(findings(r)).toEqual(["gitops-kustomize/overlays/prod/canary.yaml:15 virtualservice-subset-not-found"]);
    expect(r.diagnostics[0]?.message).toBe('Subset "v3" is not defined by DestinationRule "prod/prod-reviews" for host "prod-reviews".');
    expect(r.summary.resources).toBe(21);
    // The base's files are read through the overlays, never as plain files.
    expect(r.files.find((f) => f.file === "gitops-kustomize/base/routing.yaml")?.status).toBe("rendered");
  });

  it("gives rendered objects their identity after prefixes, suffixes and namespaces, and locates every field", async () => {
    const r = await lintRepo();
    const vs = ["spec", "http", 0];
    expect(at(r, "VirtualService", "prod", "prod-reviews", [...vs, "route", 1, "destination", "subset"])).toBe("gitops-kustomize/overlays/prod/canary.yaml:15:21");
    expect(at(r, "VirtualService", "prod", "prod-reviews", [...vs, "timeout"])).toBe("gitops-kustomize/overlays/prod/timeout.yaml:3:10");
    expect(at(r, "VirtualService", "prod", "prod-reviews", ["spec", "hosts", 0])).toBe("gitops-kustomize/base/routing.yaml:21:7");
    expect(at(r, "VirtualService", "prod", "prod-reviews", ["metadata", "namespace"])).toBe("gitops-kustomize/overlays/prod/kustomization.yaml:3:12");
    expect(at(r, "DestinationRule", "prod", "prod-reviews", ["spec", "trafficPolicy", "tls", "mode"])).toBe(
      "gitops-kustomize/components/mtls/destination-rule-tls.yaml:8:13",
    );
    expect(at(r, "PeerAuthentication", "prod", "prod-default", ["spec", "mtls", "mode"])).toBe("gitops-kustomize/components/mtls/peer-authentication.yaml:7:11");
    // The inline JSON 6902 patch of staging, inside its kustomization's block scalar.
    expect(at(r, "VirtualService", "staging", "reviews-stg", [...vs, "route", 0, "destination", "subset"])).toBe(
      "gitops-kustomize/overlays/staging/kustomization.yaml:14:16",
    );
    expect(at(r, "Deployment", "shop", "reviews-v2", ["spec", "template", "spec", "containers", 0, "image"])).toBe("gitops-kustomize/base/reviews.yaml:50:18");
    // What kustomize adds to find origins is not part of the objects the rules see.
    const annotations = r.index.resources.flatMap((x) => Object.keys((x.data.metadata as { annotations?: object } | undefined)?.annotations ?? {}));
    expect(annotations.filter((a) => a.includes("config.kubernetes.io"))).toEqual([]);
  });

  it("renders a named overlay with its base outside the named paths", async () => {
    const r = await lintRepo(["gitops-kustomize/overlays/prod"]);
    expect(findings(r)).toEqual(["gitops-kustomize/overlays/prod/canary.yaml:15 virtualservice-subset-not-found"]);
    expect(r.summary.resources).toBe(6);
  });

  it("a failed build is a warning with kustomize's words, and the root's files are read as they are", async () => {
    const dir = tempRepo({
      "app/kustomization.yaml": "resources:\n  - service.yaml\n  - missing.yaml\n",
      "app/service.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: web }\nspec: { ports: [{ name: http, port: 80 }] }\n",
    });
    const r = await lint(["."], { cwd: dir, config: emptyConfig(dir) });
    expect(findings(r)).toEqual(["app/kustomization.yaml:- template-render-failed"]);
    expect(r.diagnostics[0]?.message).toMatch(/^"kubectl kustomize" could not build "app": .*missing\.yaml/);
    expect(r.summary.resources).toBe(1);
  });

  it("judges a change through the overlays: a base losing a subset breaks the overlay patch that routes to it", async () => {
    const dir = tempRepo({});
    cpSync(join(REPOS, "gitops-kustomize"), dir, { recursive: true });
    git(dir, "init", "-q");
    git(dir, "add", "-A");
    git(dir, "commit", "-qm", "base");
    const routing = join(dir, "base/routing.yaml");
    writeFileSync(routing, readFileSync(routing, "utf8").replace("    - name: v2\n      labels:\n        version: v2\n", ""));
    git(dir, "commit", "-qam", "drop subset v2");
    const r = await cli(["-f", "json", "--changed-since", "HEAD~1"], dir);
    expect(r.code).toBe(1);
    // prod's canary patch and staging's inline JSON 6902 patch route to v2: each reported at its patch's line, in
    // files the commit did not touch. The old mistake beside them (prod's v3) is not new.
    const found = JSON.parse(r.out).diagnostics.map((d: { file: string; line: number; message: string }) => `${d.file}:${d.line} ${d.message}`);
    expect(found).toEqual([
      'overlays/prod/canary.yaml:11 Subset "v2" is not defined by DestinationRule "prod/prod-reviews" for host "prod-reviews".',
      'overlays/staging/kustomization.yaml:14 Subset "v2" is not defined by DestinationRule "staging/reviews-stg" for host "reviews-stg".',
    ]);
  });

  it("renders the folder an Argo CD Application deploys, with its namespace and prefix", async () => {
    const dir = tempRepo({
      "apps/reviews.yaml": `apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: reviews, namespace: argocd }
spec:
  project: default
  source:
    repoURL: https://git.example.com/shop.git
    path: deploy/reviews
    kustomize:
      namePrefix: team-
  destination: { server: https://kubernetes.default.svc, namespace: shop }
`,
      "deploy/reviews/kustomization.yaml": "resources: [service.yaml]\n",
      "deploy/reviews/service.yaml": "apiVersion: v1\nkind: Service\nmetadata: { name: reviews }\nspec: { ports: [{ name: http, port: 80 }] }\n",
    });
    const r = await lint(["."], { cwd: dir, config: emptyConfig(dir) });
    expect(r.deployments).toEqual([{ name: "deploy/reviews", tool: "kustomize", resources: 1, declaredBy: "Application reviews" }]);
    expect(r.index.resources.some((x) => x.kind === "Service" && x.namespace === "shop" && x.name === "team-reviews")).toBe(true);
  });
});

describe("Kustomize without a renderer", () => {
  it("is one warning per kustomization, and the manifests it lists are still read", async () => {
    const r = await lint(["gitops-kustomize/overlays/staging", "gitops-kustomize/base"], {
      cwd: REPOS,
      config: emptyConfig(REPOS),
      render: { kustomizeCommand: "./no-such-kustomize build" },
    });
    expect(findings(r).filter((f) => !f.includes("template-skipped"))).toEqual(["gitops-kustomize/overlays/staging/kustomization.yaml:- template-not-rendered"]);
    expect(r.diagnostics[0]?.message).toBe(
      'Kustomization "gitops-kustomize/overlays/staging" was not rendered: "./no-such-kustomize build" cannot be run, so none of its objects were checked.',
    );
    expect(r.summary.resources).toBe(5);
  });
});

describe("Helm, with real recorded helm template output", () => {
  // The services chart holds plain Services only: the settings say Istio runs there, so Istio's port-naming rule
  // reports on them (through the subcharts' templates).
  const istioConfig = { ...emptyConfig(REPOS), settings: { installation: { profile: "default" as const } } };
  const helmRepo = (extra: object = {}) => lint(["gitops-helm"], { cwd: REPOS, config: istioConfig, render: { helmCommand: STANDIN }, ...extra });

  it("maps findings to the template files through the # Source: comments, subcharts included", async () => {
    const r = await helmRepo();
    expect(findings(r)).toEqual([
      "gitops-helm/mesh-app/charts/platform-service/templates/authorizationPolicy.yaml:7 yaml-syntax-error",
      "gitops-helm/mesh-app/charts/platform-service/templates/deployment.yaml:1 api-version-not-served",
      "gitops-helm/mesh-app/charts/platform-service/templates/virtualservice.yaml:26 virtualservice-gateway-not-found",
      // Helm names subcharts by their Chart.yaml name: subcharta lives in charts/frontend-a.
      "gitops-helm/services/charts/frontend-a/templates/service.yaml:13 service-port-protocol-invalid",
      "gitops-helm/services/charts/subchartb/templates/service.yaml:13 service-port-protocol-invalid",
      "gitops-helm/services/templates/service.yaml:17 service-port-protocol-invalid",
    ]);
    expect(r.deployments.map((d) => `${d.name} ${d.tool} ${d.resources}`)).toEqual(["gitops-helm/mesh-app helm 5", "gitops-helm/services helm 3"]);
    // The stylish header lists what was rendered.
    expect(stylish(r, { catalog: r.catalog, version: "0", color: false, cwd: REPOS })).toContain(
      "  Rendered: gitops-helm/mesh-app (helm, 5 objects), gitops-helm/services (helm, 3 objects)",
    );
    const gateway = r.diagnostics.find((d) => d.ruleId === "virtualservice-gateway-not-found");
    expect(gateway?.span).toMatchObject({ line: 26, column: 5 });
  });

  it("passes the values of a Flux HelmRelease, its release name and namespace", async () => {
    const log = join(tempRepo({ "log.txt": "" }), "log.txt");
    const dir = tempRepo({
      "release.yaml": `apiVersion: helm.toolkit.fluxcd.io/v2
kind: HelmRelease
metadata: { name: web, namespace: flux-system }
spec:
  interval: 10m
  targetNamespace: shop
  chart:
    spec:
      chart: ./charts/services
      sourceRef: { kind: GitRepository, name: flux-system }
  values:
    service: { name: http-web }
`,
      "charts/services/Chart.yaml": "apiVersion: v2\nname: subchart\nversion: 0.1.0\n",
      "charts/services/templates/service.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: {{ .Chart.Name }}\n",
    });
    const previous = process.env.HELM_STANDIN_LOG;
    process.env.HELM_STANDIN_LOG = log;
    try {
      const r = await lint(["."], { cwd: dir, config: emptyConfig(dir), render: { helmCommand: STANDIN } });
      expect(r.deployments.map((d) => d.declaredBy)).toEqual(["HelmRelease web"]);
    } finally {
      if (previous === undefined) delete process.env.HELM_STANDIN_LOG;
      else process.env.HELM_STANDIN_LOG = previous;
    }
    const { args, values } = JSON.parse(readFileSync(log, "utf8").trim()) as { args: string[]; values: string[] };
    expect(args.slice(0, 2)).toEqual(["template", "shop-web"]);
    expect(args.slice(3)).toEqual(["--namespace", "shop", "--values", expect.stringMatching(/values-0\.json$/)]);
    expect(values.map((v) => JSON.parse(v))).toEqual([{ service: { name: "http-web" } }]);
  });

  it("without helm, a chart is one warning naming helm and the chart; alone, it exits 2", async () => {
    const chart = join(REPOS, "gitops-helm");
    const r = await cli(["--helm-command", "./no-helm-here", "-f", "json", "services"], chart);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.out) as { diagnostics: { ruleId: string; message: string; file: string }[] };
    expect(out.diagnostics.map((d) => `${d.file} ${d.ruleId}`)).toEqual(["services/Chart.yaml template-not-rendered"]);
    expect(out.diagnostics[0]?.message).toBe('Helm chart "services" was not rendered: "./no-helm-here" cannot be run, so none of its objects were checked.');
    expect(r.err).toMatch(/^meshlint: no Kubernetes object was read from \d+ files \(1 chart or kustomization not rendered, \d+ files skipped\), so nothing was checked; pass --allow-empty/);
    const allowed = await cli(["--helm-command", "./no-helm-here", "--allow-empty", "-f", "json", "services"], chart);
    expect(allowed.code).toBe(0);
  });
});
