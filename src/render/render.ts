import { basename, join, relative } from "node:path";
import type { LoadIssue, RawResource } from "../load/load.js";
import type { SourceFile } from "../load/source-file.js";
import { toPosix } from "../load/ignore-rules.js";
import { gitopsRequests, isGitopsObject } from "./gitops.js";
import { buildChart } from "./helm/build.js";
import { readChart, topCharts } from "./helm/chart.js";
import { buildKustomization } from "./kustomize/build.js";
import { type Kustomization, kustomizationRoots, kustomizationTree, readKustomization } from "./kustomize/kustomization.js";
import { onPath, splitCommand } from "./process.js";
import { SourceFiles } from "./source-docs.js";

export interface RenderOptions {
  readonly cwd: string;
  /** The Git work tree's top folder (paths in Argo CD and Flux objects are relative to it); default cwd. */
  readonly top?: string;
  /** `kustomize build` or `kubectl kustomize` (default: whichever is on PATH, kustomize first). */
  readonly kustomizeCommand?: string;
  /** Default `helm`. */
  readonly helmCommand?: string;
  /** Values files for charts that no Argo CD Application or Flux HelmRelease configures. */
  readonly helmValues?: readonly string[];
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
}

/** What the loader found that needs rendering. */
export interface RenderInput {
  /** Kustomization files found among the inputs (absolute). */
  readonly kustomizations: readonly string[];
  /** Chart folders found among the inputs (absolute). */
  readonly charts: readonly string[];
  /** The plain manifests (Argo CD and Flux objects, ConfigMaps holding Helm values). */
  readonly resources: readonly RawResource[];
}

/** One rendered root: linted as a deployment of its own, beside the plain manifests. */
export interface Deployment {
  /** The root folder, as displayed. */
  readonly name: string;
  readonly tool: "kustomize" | "helm";
  readonly resources: readonly RawResource[];
  readonly defaultNamespace?: string;
  /** The Argo CD Application or Flux object that deploys it, when one does. */
  readonly declaredBy?: string;
}

export interface RenderResult {
  readonly deployments: readonly Deployment[];
  /** Whether a successful render read this file (displayed path): it is not linted as a plain file. */
  consumes(file: string): boolean;
  /** Whether the file belongs to a root meshlint tried to render, rendered or not. */
  attempted(file: string): boolean;
  readonly issues: readonly LoadIssue[];
  /** The source files read so far (positions are found lazily, so ask after the findings are placed). */
  sources(): Map<string, SourceFile>;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const KUSTOMIZE_HELP = "Install kustomize or kubectl, or name the command with --kustomize-command.";
const HELM_HELP = "Install helm, or name the command with --helm-command";

/** A command whose program can be run, else undefined. */
const runnable = (argv: string[], env: NodeJS.ProcessEnv): string[] | undefined => (argv[0] !== undefined && onPath(argv[0], env) ? argv : undefined);
const CONCURRENCY = 2;

/** Whether the inputs hold anything to render: a kustomization, a chart, or an object that deploys a folder. */
export function needsRendering(input: RenderInput): boolean {
  return input.kustomizations.length > 0 || input.charts.length > 0 || input.resources.some(isGitopsObject);
}

export async function render(input: RenderInput, options: RenderOptions): Promise<RenderResult> {
  const cwd = options.cwd;
  const show = (abs: string) => toPosix(relative(cwd, abs)) || basename(abs);
  const sources = new SourceFiles(show);
  const cache = new Map<string, Kustomization | null>();
  const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env = options.env ?? process.env;

  const requests = gitopsRequests(input.resources, options.top ?? cwd);
  const requested = new Set(requests.map((r) => `${r.tool}\u0000${r.dir}`));
  const found = input.kustomizations.map((f) => readKustomization(f)).filter((k): k is Kustomization => k !== undefined);
  for (const k of found) cache.set(k.dir, k);
  for (const k of kustomizationRoots(found)) {
    if (!requested.has(`kustomize\u0000${k.dir}`)) requests.push({ tool: "kustomize", dir: k.dir, by: { kind: "", name: "", file: undefined } });
  }
  for (const dir of topCharts(input.charts)) {
    const chart = readChart(dir);
    if (!chart || chart.library || requested.has(`helm\u0000${dir}`)) continue;
    requests.push({ tool: "helm", dir, by: { kind: "", name: "", file: undefined }, releaseName: "release-name", valuesFiles: [...(options.helmValues ?? [])], values: [], set: [] });
  }

  const kustomize = options.kustomizeCommand
    ? runnable(splitCommand(options.kustomizeCommand), env)
    : onPath("kustomize", env)
      ? ["kustomize", "build"]
      : onPath("kubectl", env)
        ? ["kubectl", "kustomize"]
        : undefined;
  const helm = splitCommand(options.helmCommand ?? "helm");
  const helmThere = helm[0] !== undefined && onPath(helm[0], env);
  const kustomizeMissing = options.kustomizeCommand ? `"${options.kustomizeCommand}" cannot be run` : "neither kustomize nor kubectl is on PATH";
  const helmMissing = options.helmCommand ? `"${options.helmCommand}" cannot be run` : "helm is not on PATH";

  const deployments: Deployment[] = [];
  const consumed = new FileSet();
  const attempted = new FileSet();
  const issues: LoadIssue[] = [];

  await mapLimit(requests, CONCURRENCY, async (request) => {
    const root = show(request.dir) || ".";
    const by = request.by.kind ? ` (deployed by ${request.by.kind} "${request.by.name}")` : "";
    if (request.tool === "kustomize") {
      const tree = kustomizationTree(request.dir, cache);
      const files = tree.flatMap((k) => [k.file, ...k.resourceFiles, ...k.inputFiles]);
      for (const f of files) attempted.add(show(f));
      const file = show(tree[0]?.file ?? join(request.dir, "kustomization.yaml"));
      if (!kustomize) {
        issues.push({ ruleId: "template-not-rendered", messageId: "kustomize", data: { root, by, why: kustomizeMissing }, file, help: KUSTOMIZE_HELP });
        return;
      }
      if (tree.some((k) => k.helmCharts) && !helmThere) {
        issues.push({ ruleId: "template-not-rendered", messageId: "kustomizeHelm", data: { root, by, why: helmMissing }, file, help: `${HELM_HELP}.` });
        return;
      }
      const build = await buildKustomization(request, kustomize, sources, cache, timeout);
      if (!build.run.ok) {
        issues.push({ ruleId: "template-render-failed", messageId: "kustomize", data: { root, by, detail: build.run.error, command: kustomize.join(" ") }, file });
        return;
      }
      for (const f of build.files) consumed.add(show(f));
      deployments.push({
        name: root,
        tool: "kustomize",
        resources: build.resources,
        ...(request.defaultNamespace ? { defaultNamespace: request.defaultNamespace } : {}),
        ...(request.by.kind ? { declaredBy: `${request.by.kind} ${request.by.name}` } : {}),
      });
    } else {
      const chartFile = show(join(request.dir, "Chart.yaml"));
      const chartDir = show(request.dir);
      attempted.addFolder(chartDir);
      if (!helmThere) {
        issues.push({ ruleId: "template-not-rendered", messageId: "helm", data: { root, by, why: helmMissing }, file: chartFile, help: `${HELM_HELP}, or lint its output: helm template ${root} | meshlint -` });
        return;
      }
      const build = await buildChart(request, helm, sources, timeout);
      if (!build.run.ok) {
        issues.push({ ruleId: "template-render-failed", messageId: "helm", data: { root, by, detail: build.run.error, command: helm.join(" ") }, file: chartFile });
        return;
      }
      consumed.addFolder(chartDir);
      issues.push(...build.issues);
      deployments.push({
        name: root,
        tool: "helm",
        resources: build.resources,
        ...(request.namespace ? { defaultNamespace: request.namespace } : {}),
        ...(request.by.kind ? { declaredBy: `${request.by.kind} ${request.by.name}` } : {}),
      });
    }
  });
  deployments.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return {
    deployments,
    consumes: (file) => consumed.has(file),
    attempted: (file) => attempted.has(file),
    issues,
    sources: () => sources.sources(),
  };
}

/** Displayed paths, and folders standing for everything under them. */
class FileSet {
  private readonly files = new Set<string>();
  private readonly folders: string[] = [];
  add(file: string): void {
    this.files.add(file);
  }
  addFolder(folder: string): void {
    this.folders.push(folder === "." ? "" : `${folder}/`);
  }
  has(file: string): boolean {
    return this.files.has(file) || this.folders.some((f) => file.startsWith(f));
  }
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}
