import { readdirSync, statSync } from "node:fs";
import { readRegularTextSync } from "../../base/read-file.js";
import { basename, dirname, join, sep } from "node:path";
import { parse } from "yaml";
import { asObject, asString } from "../../base/json.js";

export interface Chart {
  readonly dir: string;
  readonly name: string;
  /** `library` charts hold only helpers and cannot be rendered. */
  readonly library: boolean;
}

export function readChart(dir: string): Chart | undefined {
  let data: unknown;
  try {
    data = parse(readRegularTextSync(join(dir, "Chart.yaml")));
  } catch {
    return undefined;
  }
  const c = asObject(data) ?? {};
  return { dir, name: asString(c.name) ?? basename(dir), library: asString(c.type) === "library" };
}

/** Charts that are not subcharts of another (a subchart lives in its parent's `charts/` folder). */
export function topCharts(dirs: readonly string[]): string[] {
  const all = new Set(dirs);
  return dirs.filter((dir) => {
    for (let d = dirname(dir); dirname(d) !== d; d = dirname(d)) {
      if (basename(d) === "charts" && all.has(dirname(d))) return false;
      if (isFile(join(d, "Chart.yaml")) && dir.slice(d.length + 1).split(sep)[0] === "charts") return false;
    }
    return true;
  });
}

/**
 * The file a `# Source: <chart>/charts/<subchart>/templates/x.yaml` comment names. Helm writes the chart names of
 * Chart.yaml, not folder names, so subcharts are looked up by name in each `charts/` folder. A packaged subchart
 * (.tgz) has no file to point at: its archive is returned.
 */
export function sourceFile(chartDir: string, source: string): string {
  const segs = source.split("/");
  let dir = chartDir;
  let i = 1;
  while (segs[i] === "charts" && segs[i + 1] !== undefined && i + 2 < segs.length) {
    const want = segs[i + 1]!;
    const holder = join(dir, "charts");
    const sub = subchartDir(holder, want);
    if (!sub) return join(holder, `${want}.tgz`);
    dir = sub;
    i += 2;
  }
  return join(dir, ...segs.slice(i));
}

function subchartDir(holder: string, name: string): string | undefined {
  let entries: string[];
  try {
    entries = readdirSync(holder);
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    const dir = join(holder, entry);
    if (isFile(join(dir, "Chart.yaml")) && readChart(dir)?.name === name) return dir;
  }
  return entries.includes(name) && isFile(join(holder, name, "Chart.yaml")) ? join(holder, name) : undefined;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
