import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type LoadIssue, type RawResource, parseManifests } from "../../load/load.js";
import type { JsonObject } from "../../base/json.js";
import type { Origin } from "../../load/origin.js";
import { type ToolRun, runTool } from "../process.js";
import type { SourceFiles } from "../source-docs.js";
import { sourceFile } from "./chart.js";
import { locateInTemplate, sameLine, segmentFor, templateLines } from "./template-position.js";

/** A chart to render, with the values an Argo CD Application or Flux HelmRelease (or --helm-values) gives it. */
export interface HelmRoot {
  readonly dir: string;
  readonly releaseName: string;
  readonly namespace?: string;
  readonly valuesFiles: readonly string[];
  /** Values given as data, applied after the files, in order. */
  readonly values: readonly JsonObject[];
  readonly set: readonly { readonly name: string; readonly value: string; readonly string: boolean }[];
}

export interface HelmBuild {
  readonly run: ToolRun;
  readonly resources: readonly RawResource[];
  /** YAML problems in the rendered output, located in the template that produced them. */
  readonly issues: readonly LoadIssue[];
}

export async function buildChart(root: HelmRoot, command: readonly string[], sources: SourceFiles, timeoutMs: number): Promise<HelmBuild> {
  const scratch = mkdtempSync(join(tmpdir(), "meshlint-helm-"));
  try {
    const valueArgs = root.valuesFiles.flatMap((f) => ["--values", f]);
    root.values.forEach((v, i) => {
      const file = join(scratch, `values-${i}.json`);
      writeFileSync(file, JSON.stringify(v));
      valueArgs.push("--values", file);
    });
    for (const s of root.set) valueArgs.push(s.string ? "--set-string" : "--set", `${s.name}=${s.value}`);
    const argv = [...command, "template", root.releaseName, root.dir, ...(root.namespace ? ["--namespace", root.namespace] : []), ...valueArgs];
    const run = await runTool(argv, root.dir, timeoutMs);
    if (!run.ok) return { run, resources: [], issues: [] };
    return { run, ...readRendered(run.stdout, root.dir, sources) };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * Splits `helm template` output at its `---` lines and traces each document to its template through the
 * `# Source:` comment before it (Helm 2 wrote one comment per template file, so a document without one belongs to
 * the one before).
 */
export function readRendered(output: string, chartDir: string, sources: SourceFiles): { resources: RawResource[]; issues: LoadIssue[] } {
  const resources: RawResource[] = [];
  const issues: LoadIssue[] = [];
  const seen = new Map<string, number>();
  let source: string | undefined;
  for (const chunk of output.split(/^---[^\n]*$/m)) {
    source = /^# Source: (.+?)\s*$/m.exec(chunk)?.[1] ?? source;
    if (!source || !/^[^#\s]/m.test(chunk)) continue;
    const file = sourceFile(chartDir, source);
    const parsed = parseManifests(sources.show(file), chunk);
    for (const r of parsed.resources) {
      if (r.origin.kind === "unreadable") {
        // A document Helm rendered unreadable still names its object: looked up by identity, placed in its template.
        resources.push({ ...r, origin: { kind: "unreadable", file: sources.show(file), locate: () => undefined } });
        continue;
      }
      const key = `${file}\u0000${r.kind}`;
      const occurrence = seen.get(key) ?? 0;
      seen.set(key, occurrence + 1);
      resources.push({ ...r, origin: templateOrigin(file, r.kind, occurrence, sources) });
    }
    for (const issue of parsed.issues) {
      const template = sources.file(file);
      const lineText = issue.span ? chunk.split("\n")[issue.span.line - 1] ?? "" : "";
      const range = template ? sameLine(template.text, lineText) : undefined;
      issues.push({ ...issue, file: sources.show(file), ...(template && range ? { span: template.span(range.start, range.end) } : { span: undefined }) } as LoadIssue);
    }
  }
  return { resources, issues };
}

function templateOrigin(file: string, kind: string, occurrence: number, sources: SourceFiles): Origin {
  let segment: ReturnType<typeof segmentFor> | undefined;
  return {
    kind: "file",
    file: sources.show(file),
    locate: (path, part) => {
      const template = sources.file(file);
      if (!template) return undefined;
      segment ??= segmentFor(templateLines(template.text).segments, kind, occurrence);
      const range = locateInTemplate(segment, path, part);
      return range ? template.span(range.start, range.end) : undefined;
    },
  };
}
