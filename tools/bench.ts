import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { PACKAGE_ROOT } from "../src/base/package.js";
import type { PhaseTime } from "../src/base/timing.js";
import { changeOneFile, generate } from "./bench-repo.js";

// `npm run bench [-- SIZE...] [--runs N]`: how fast meshlint is where people feel it, as ratios measured in one
// run on one machine (compare the ratios across machines, not the seconds).
// - Start-up: `node -e 0`, `meshlint --version` and `meshlint fixtures/demo`.
// - Synthetic repositories (default: ~20 files, 1k, 10k and 100k resources; see bench-repo.ts): a bare `yaml`
//   parse of the same files, meshlint cold, and meshlint with --cache, unchanged and with one file changed.
// Every run is a fresh process, timed from spawn to exit (wall), with its whole CPU time and peak RSS (measured
// by bench-probe.ts, preloaded). Small runs are repeated and the median is shown. Then the phases of the cold runs
// (MESHLINT_TIMING), the linear-growth guard and the goals. Exits 1 when the guard or a goal fails.
// `--cold` measures meshlint cold only (no bare parse, no cache runs): enough for the guard, in a third of the time.
//
// The guard: each growing phase's work per resource at 100k is at most 1.1 times that at 10k, and so are the
// run's garbage collection pauses as a whole. A phase's work is the main thread's CPU time (Linux; the process's
// elsewhere) less the collection pauses that began in it, the best of three runs of each size. Collections are
// judged over the whole run, not per phase: their cost is the heap every earlier phase left, and which phase a
// collection lands in is V8's choice (the 100k index phase paused 107-207 ms in two runs of the same code, 5-7 ms
// at 10k, while the whole run's pauses per resource stayed within 0.87-1.05 of 10k's). The process's CPU is not
// used: it also counts V8's helper threads, whose concurrent marking lands in whichever phase runs meanwhile.
// Only the least of the runs counts: other work on the machine only ever adds (a 100k parse phase measured 5.0 s
// and 6.5 s of main-thread CPU on the same code, since this machine's two cores are virtual and shared).

const DEFAULT_SIZES = [140, 1_000, 10_000, 100_000];
/** Phases that grow with the repository; start-up, config and exit are fixed costs. */
const FIXED_PHASES = new Set(["startup", "config", "exit"]);
const LINEAR_LIMIT = 1.1;
/**
 * A phase whose work at 100k stays under this many milliseconds (0.5 µs per resource) is too small to judge by
 * timing; one that grows faster than the repository does not stay under it.
 */
const JUDGED_FROM_MS = 50;

interface Measured {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly maxRssKb: number;
  readonly phases: readonly PhaseTime[];
  /** The phases of every run (one per run), for the guard's best of the runs. */
  readonly runs: readonly (readonly PhaseTime[])[];
  readonly stdout: string;
}

const dist = join(PACKAGE_ROOT, "dist-tools", "tools");
const probe = pathToFileURL(join(dist, "bench-probe.js")).href;
const cli = join(PACKAGE_ROOT, "bin", "meshlint.js");
let scratch = "";
let counter = 0;

/** One fresh process: `node [--import probe] ARGS`; `okStatus` lists the exit codes that mean it worked. */
function once(args: readonly string[], okStatus: readonly number[] = [0]): Measured {
  const id = counter++;
  const probeFile = join(scratch, `probe-${id}.json`);
  const timingFile = join(scratch, `timing-${id}.json`);
  const env: NodeJS.ProcessEnv = { ...process.env, MESHLINT_BENCH_PROBE: probeFile, MESHLINT_TIMING: timingFile };
  const started = performance.now();
  const r = spawnSync(process.execPath, ["--import", probe, ...args], { env, encoding: "utf8", maxBuffer: 1 << 28 });
  const wallMs = performance.now() - started;
  if (r.status === null || !okStatus.includes(r.status)) throw new Error(`node ${args.join(" ")} failed (${r.status ?? r.signal}): ${r.stderr}`);
  const usage = JSON.parse(readFileSync(probeFile, "utf8")) as { cpuMs: number; maxRssKb: number };
  let phases: PhaseTime[] = [];
  try {
    phases = (JSON.parse(readFileSync(timingFile, "utf8")) as { phases: PhaseTime[] }).phases;
  } catch {
    // not a lint run (node -e 0, --version, the bare parse)
  }
  return { wallMs, cpuMs: usage.cpuMs, maxRssKb: usage.maxRssKb, phases, runs: [phases], stdout: r.stdout };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[(sorted.length - 1) >> 1] ?? 0;
};

/** Runs `runs` times and keeps the medians (see summarize). */
function measure(runs: number, args: readonly string[], okStatus?: readonly number[]): Measured {
  const all: Measured[] = [];
  for (let i = 0; i < runs; i++) all.push(once(args, okStatus));
  return summarize(all);
}

/** The medians of several runs of one command; phases and output of the median-CPU run, phases of every run. */
function summarize(all: readonly Measured[]): Measured {
  const cpu = median(all.map((m) => m.cpuMs));
  const typical = all.find((m) => m.cpuMs === cpu) ?? all[0]!;
  return { ...typical, wallMs: median(all.map((m) => m.wallMs)), maxRssKb: Math.max(...all.map((m) => m.maxRssKb)), runs: all.map((m) => m.phases) };
}

/** Runs per size (the bare parse and the cache runs at 100k: one each, they take a minute). */
const runsFor = (size: number, asked: number | undefined) => asked ?? (size <= 1_000 ? 5 : size <= 10_000 ? 3 : 1);
/** Cold runs per size: at least GUARD_RUNS, for the guard's best of the runs. */
const GUARD_RUNS = 3;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const megabytes = (kb: number) => `${Math.round(kb / 1024)} MB`;
const ratio = (a: number, b: number) => (a / b).toFixed(2);
const sizeName = (resources: number) => (resources < 500 ? "~20 files" : resources >= 1000 ? `${Math.round(resources / 1000)}k` : String(resources));

interface SizeResult {
  readonly name: string;
  readonly resources: number;
  readonly files: number;
  readonly bytes: number;
  readonly yaml?: Measured;
  readonly cold: Measured;
  readonly cached?: Measured;
  readonly changed?: Measured;
  readonly findings: number;
}

function lintArgs(dir: string, extra: readonly string[] = []): string[] {
  return [cli, "--format", "json", "--fail-on", "none", ...extra, dir];
}

function benchSize(size: number, runs: number, coldOnly: boolean, askedRuns: number | undefined): SizeResult {
  const dir = join(scratch, `repo-${size}`);
  const made = generate(dir, size);
  const generated = performance.now();
  const name = sizeName(made.resources);
  process.stderr.write(`${name}: ${made.resources} resources in ${made.files} files\n`);
  const coldRuns = askedRuns ?? Math.max(runs, GUARD_RUNS);
  const cacheFile = join(scratch, `cache-${size}`);
  const withCache = lintArgs(dir, ["--cache", "--cache-location", cacheFile]);
  const caching = !coldOnly && supportsCache();
  // Round by round (a bare parse, a cold run, an unchanged and a changed cached run), not one kind after the other:
  // what the machine's other load does over a minute then falls on every kind of run alike, not on one kind's runs.
  const rounds: { yaml?: Measured; cold?: Measured; cached?: Measured; changed?: Measured }[] = [];
  for (let round = 0; round < Math.max(runs, coldRuns); round++) {
    const r: (typeof rounds)[number] = {};
    if (!coldOnly && round < runs) r.yaml = once([join(dist, "bench-child.js"), dir]);
    if (round < coldRuns) r.cold = once(lintArgs(dir));
    if (caching && round < runs) {
      if (round === 0) {
        // The cache notes a file's metadata only once its times are two seconds old (see src/project/run-cache.ts):
        // a repository's files are older than that when it is linted, not seconds out of the generator.
        sleepUntil(generated + 2_100);
        once(withCache); // fills the cache
      }
      r.cached = once(withCache);
      changeOneFile(dir, round);
      r.changed = once(withCache);
    }
    rounds.push(r);
  }
  const pick = (kind: keyof (typeof rounds)[number]) => {
    const all = rounds.map((r) => r[kind]).filter((m): m is Measured => m !== undefined);
    return all.length ? summarize(all) : undefined;
  };
  const yaml = pick("yaml");
  const cold = pick("cold")!;
  const cached = pick("cached");
  const changed = pick("changed");
  const findings = (JSON.parse(cold.stdout) as { diagnostics: unknown[] }).diagnostics.length;
  rmSync(dir, { recursive: true, force: true });
  return { name, resources: made.resources, files: made.files, bytes: made.bytes, ...(yaml ? { yaml } : {}), cold, findings, ...(cached ? { cached } : {}), ...(changed ? { changed } : {}) };
}

function sleepUntil(time: number): void {
  const wait = time - performance.now();
  if (wait > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, wait);
}

function supportsCache(): boolean {
  return once([cli, "--help"]).stdout.includes("--cache");
}

function startupTable(node: Measured, version: Measured, demo: Measured, demoResources: number): string {
  const row = (label: string, m: Measured) => `| ${label} | ${seconds(m.wallMs)} | ${seconds(m.cpuMs)} | ${megabytes(m.maxRssKb)} | ${ratio(m.wallMs, node.wallMs)} |`;
  return [
    "| run | wall | CPU | peak RSS | × `node -e 0` |",
    "| --- | --- | --- | --- | --- |",
    row("`node -e 0`", node),
    row("`meshlint --version`", version),
    row(`\`meshlint fixtures/demo\` (${demoResources} resources)`, demo),
  ].join("\n");
}

function sizeTable(results: readonly SizeResult[], node: Measured): string {
  const lines = [
    "| repository | run | wall | CPU | peak RSS | × bare `yaml` parse | × `node -e 0` |",
    "| --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of results) {
    const what = `${r.name}: ${r.resources.toLocaleString("en")} resources, ${r.files.toLocaleString("en")} files, ${(r.bytes / 1024 / 1024).toFixed(1)} MB, ${r.findings} findings`;
    const row = (label: string, m: Measured, first: boolean) =>
      `| ${first ? what : ""} | ${label} | ${seconds(m.wallMs)} | ${seconds(m.cpuMs)} | ${megabytes(m.maxRssKb)} | ${r.yaml ? ratio(m.wallMs, r.yaml.wallMs) : "–"} | ${ratio(m.wallMs, node.wallMs)} |`;
    if (r.yaml) lines.push(row("bare `yaml` parse", r.yaml, true));
    lines.push(row("meshlint, cold", r.cold, !r.yaml));
    if (r.cached) lines.push(row("meshlint --cache, unchanged", r.cached, false));
    if (r.changed) lines.push(row("meshlint --cache, one file changed", r.changed, false));
  }
  return lines.join("\n");
}

function phaseNames(results: readonly SizeResult[]): string[] {
  const names: string[] = [];
  for (const r of results) for (const p of r.cold.phases) if (!names.includes(p.phase)) names.push(p.phase);
  return names;
}

const phaseCpu = (m: Measured, name: string) => m.phases.find((p) => p.phase === name)?.cpuMs ?? 0;

function phaseTable(results: readonly SizeResult[]): string {
  const lines = [`| phase | ${results.map((r) => r.name).join(" | ")} |`, `| --- |${results.map(() => " --- |").join("")}`];
  for (const name of phaseNames(results)) {
    const cells = results.map((r) => {
      const ms = phaseCpu(r.cold, name);
      const gc = r.cold.phases.find((p) => p.phase === name)?.gcMs ?? 0;
      const perResource = FIXED_PHASES.has(name) ? "" : `, ${((ms * 1000) / r.resources).toFixed(0)} µs/res`;
      return `${ms} ms (GC ${gc} ms${perResource})`;
    });
    lines.push(`| ${name} | ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** A phase's work in one run: the main thread's CPU (else the process's) less the collection pauses that began in it. */
const work = (p: PhaseTime | undefined): number => (p ? Math.max(0, (p.threadCpuMs ?? p.cpuMs) - p.gcMs) : 0);

/** The least work of a phase over the runs of a size (the runs' noise only ever adds). */
const bestWork = (m: Measured, name: string): number => Math.min(...m.runs.map((phases) => work(phases.find((p) => p.phase === name))));

/** Work per resource of each growing phase at the largest size against the size ten times smaller. */
function linearGuard(results: readonly SizeResult[]): { text: string; ok: boolean } {
  const large = results.find((r) => r.resources >= 90_000);
  const medium = results.find((r) => r.resources >= 9_000 && r.resources < 90_000);
  if (!large || !medium) return { text: "(needs the 10k and 100k sizes)", ok: true };
  let ok = true;
  const lines = [
    `| phase | ${medium.name} µs/res | ${large.name} µs/res | ratio | at most ${LINEAR_LIMIT} |`,
    "| --- | --- | --- | --- | --- |",
  ];
  for (const name of phaseNames([medium, large])) {
    if (FIXED_PHASES.has(name)) continue;
    const a = (bestWork(medium.cold, name) * 1000) / medium.resources;
    const largeMs = bestWork(large.cold, name);
    const b = (largeMs * 1000) / large.resources;
    const judged = largeMs >= JUDGED_FROM_MS;
    const within = !judged || (a > 0 && b / a <= LINEAR_LIMIT);
    ok &&= within;
    const verdict = judged ? (within ? "yes" : "**no**") : `(under ${JUDGED_FROM_MS} ms)`;
    lines.push(`| ${name} | ${a.toFixed(1)} | ${b.toFixed(1)} | ${a === 0 ? "–" : (b / a).toFixed(2)} | ${verdict} |`);
  }
  // The growing phases' pauses: start-up's and exit's are the same at every size.
  const gc = (m: Measured, resources: number) => (Math.min(...m.runs.map((phases) => phases.reduce((sum, p) => sum + (FIXED_PHASES.has(p.phase) ? 0 : p.gcMs), 0))) * 1000) / resources;
  const [gcA, gcB] = [gc(medium.cold, medium.resources), gc(large.cold, large.resources)];
  const gcWithin = gcA > 0 && gcB / gcA <= LINEAR_LIMIT;
  ok &&= gcWithin;
  lines.push(`| garbage collection pauses, the whole run | ${gcA.toFixed(1)} | ${gcB.toFixed(1)} | ${gcA === 0 ? "–" : (gcB / gcA).toFixed(2)} | ${gcWithin ? "yes" : "**no**"} |`);
  return { text: lines.join("\n"), ok };
}

function goals(node: Measured, version: Measured, demo: Measured, results: readonly SizeResult[]): { text: string; ok: boolean } {
  const checks: [string, number | undefined, number][] = [];
  const at = (min: number, max: number) => results.find((r) => r.resources >= min && r.resources < max);
  checks.push(["demo ≤ 4 × `node -e 0`", demo.wallMs / node.wallMs, 4], ["`--version` ≤ 2 × `node -e 0`", version.wallMs / node.wallMs, 2]);
  const ten = at(9_000, 90_000);
  const hundred = at(90_000, Infinity);
  const versusYaml = (r: SizeResult, m: Measured | undefined) => (m && r.yaml ? m.wallMs / r.yaml.wallMs : undefined);
  // --cold measures no bare parse and no cache: the goals that need them are not judged then.
  if (ten?.yaml) {
    checks.push(["10k cold ≤ 1.2 × bare `yaml` parse", versusYaml(ten, ten.cold), 1.2]);
    checks.push(["10k, --cache, one file changed ≤ 0.4 × bare `yaml` parse", versusYaml(ten, ten.changed), 0.4]);
  }
  if (hundred?.yaml) checks.push(["100k cold ≤ 0.8 × bare `yaml` parse", versusYaml(hundred, hundred.cold), 0.8]);
  if (hundred) checks.push(["100k peak RSS ≤ 600 MB", hundred.cold.maxRssKb / 1024, 600]);
  let ok = true;
  const lines = ["| goal | measured | met |", "| --- | --- | --- |"];
  for (const [goal, value, limit] of checks) {
    const met = value !== undefined && value <= limit;
    ok &&= met;
    lines.push(`| ${goal} | ${value === undefined ? "not measured" : value.toFixed(2)} | ${met ? "yes" : "**no**"} |`);
  }
  return { text: lines.join("\n"), ok };
}

function main(): void {
  const args = process.argv.slice(2);
  const runsAt = args.indexOf("--runs");
  const askedRuns = runsAt >= 0 ? Number(args[runsAt + 1]) : undefined;
  const coldOnly = args.includes("--cold");
  const sizes = args.filter((a, i) => i !== runsAt + 1 || runsAt < 0).map(Number).filter((n) => n > 0);
  // Outside the project: its .gitignore would hide the repositories from meshlint.
  scratch = mkdtempSync(join(tmpdir(), "meshlint-bench-"));
  try {
    const startupRuns = askedRuns ?? 7;
    const node = measure(startupRuns, ["-e", "0"]);
    const version = measure(startupRuns, [cli, "--version"]);
    const demoDir = join(PACKAGE_ROOT, "fixtures", "demo");
    const demo = measure(startupRuns, lintArgs(demoDir), [0, 1]);
    const demoResources = (JSON.parse(demo.stdout) as { summary: { resources: number } }).summary.resources;
    const results = (sizes.length ? sizes : DEFAULT_SIZES).map((size) => benchSize(size, runsFor(size, askedRuns), coldOnly, askedRuns));
    const guard = linearGuard(results);
    const met = goals(node, version, demo, results);
    const out = [
      `Node ${process.version}, ${new Date().toISOString().slice(0, 10)}; medians of several runs (at 100k one, three cold); ratios of wall times measured in this run.`,
      "",
      "### Start-up",
      "",
      startupTable(node, version, demo, demoResources),
      "",
      "### Repositories",
      "",
      sizeTable(results, node),
      "",
      "### Phases (meshlint, cold; CPU of the process, of which garbage collection pauses)",
      "",
      phaseTable(results),
      "",
      "### Linear growth",
      "",
      guard.text,
      "",
      "### Goals",
      "",
      met.text,
    ];
    console.log(out.join("\n"));
    if (!guard.ok || !met.ok) process.exitCode = 1;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) main();

