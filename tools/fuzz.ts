// npm run fuzz [-- --budget SECONDS] [--seed N] [--only CATEGORY,...]
// npm run fuzz -- --full [--shard K/N] [--from I] [--log FILE.jsonl] [--report FILE]
// npm run fuzz -- --full --at I,J,... [--save DIR]
//
// Feeds meshlint inputs of four categories (tools/fuzz-cases.ts) for a time budget and reports, per category, the
// inputs tried, the broken promises found (exit code, stack trace, internal-error, a position outside the input,
// findings that move with the line ends), the slowest input and the largest heap. Each input runs in a worker thread
// limited to 500 MB of heap and watched by a timer: an input that uses more than 2 s of CPU, fills the heap or hangs
// is a failure (the worker is replaced after a hang or an out-of-memory). Wall time is reported beside CPU time but
// decides nothing below the hang bound: on a shared machine it measures the load. Exit 1 when anything failed.
//
// --full is the whole sweep instead of a budget: the hostile inputs, every line-end variant of every fixture and every
// type-mutated copy of every fixture, valid and invalid (each field at every depth x every mutation). It takes hours
// on one core: --shard K/N runs every Nth input (start N processes to use N cores), --from I skips the first I inputs
// of the shard (to resume), --log appends every failure and a progress record each minute as JSON lines, and
// --report rewrites the summary table each minute, so a stopped sweep still says how far it got. --at runs only the
// inputs at the positions a log names (with the same --full and --seed), and --save writes each one's text there.
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import fc from "fast-check";
import { PACKAGE_ROOT } from "../src/base/package.js";
import {
  type FuzzInput,
  LINE_END_VARIANTS,
  MUTATIONS,
  checkInput,
  findingsOf,
  fixtureFiles,
  hostileInputs,
  mutable,
  mutantName,
  mutate,
  yamlTextArb,
} from "./fuzz-cases.js";

/** The bounds each input must stay within (the issue's goal): the lint thread's CPU time (see Reply.cpuMs) and heap. */
const TIME_BOUND_MS = 2000;
const HEAP_BOUND_MB = 500;
/**
 * A worker that spends this much CPU on one input is hung: it is terminated and the input counted as a hang. CPU,
 * not wall time: at nice 10 on the shared machine an input of 2 s of CPU waited 20 s for it. The process's CPU is
 * the worker's (the main thread only waits); a worker that gets no CPU at all for ten times as long is hung too.
 */
const HANG_MS = 20_000;

interface Reply {
  readonly problems: readonly string[];
  readonly ms: number;
  /**
   * CPU time of the lint thread (the worker) while the input ran, the bound: wall time grows with the machine's load,
   * and the process's CPU also counts V8's helper threads, whose parallel GC work shortens a run rather than
   * lengthening it (the same input measured 1.8 s of process CPU in 1.4 s of wall time on an idle machine).
   */
  readonly cpuMs: number;
  /** CPU time of the whole process (helper threads included), reported beside it. */
  readonly processCpuMs: number;
  readonly heapMb: number;
}

/** This thread's CPU time in ms, from Linux's per-thread counters; elsewhere the process's (which is stricter). */
function threadCpuMs(): number {
  try {
    const stat = readFileSync("/proc/thread-self/stat", "utf8");
    // Fields after the command name, which is in parentheses and may hold spaces: utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1000;
  }
}
/** Linux's USER_HZ, which /proc reports thread times in: 100 on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

if (!isMainThread) {
  const cwd = (workerData as { cwd: string }).cwd;
  const baselines = new Map<string, Promise<string[]>>();
  parentPort!.on("message", async (input: FuzzInput) => {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const threadBefore = threadCpuMs();
    let problems: readonly string[];
    try {
      problems = (
        await checkInput(input, cwd, (text) => {
          let b = baselines.get(text);
          if (!b) baselines.set(text, (b = findingsOf(text, cwd)));
          return b;
        })
      ).problems;
    } catch (error) {
      problems = [`checkInput threw: ${String(error)}`];
    }
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    parentPort!.postMessage({ problems, ms, cpuMs: threadCpuMs() - threadBefore, processCpuMs: (cpu.user + cpu.system) / 1000, heapMb: process.memoryUsage().heapUsed / 2 ** 20 } satisfies Reply);
  });
} else {
  await main();
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Slow {
  readonly name: string;
  readonly ms: number;
  readonly cpuMs: number;
  readonly processCpuMs: number;
}

interface Tally {
  tried: number;
  failed: number;
  slow: number;
  slowCpu: number;
  maxMs: number;
  maxCpuMs: number;
  maxHeapMb: number;
  byProblem: Map<string, number>;
  /** Mutants by mutation (null, huge-list, ...): inputs tried and failed. */
  byVariant: Map<string, { tried: number; failed: number }>;
  examples: string[];
  /** The slowest inputs by CPU time, slowest first. */
  slowest: Slow[];
}

function newTally(): Tally {
  return { tried: 0, failed: 0, slow: 0, slowCpu: 0, maxMs: 0, maxCpuMs: 0, maxHeapMb: 0, byProblem: new Map(), byVariant: new Map(), examples: [], slowest: [] };
}

async function main(): Promise<void> {
  const full = process.argv.includes("--full");
  const budgetMs = full ? Infinity : Number(option("--budget") ?? 120) * 1000;
  const seed = Number(option("--seed") ?? 17);
  const only = option("--only")?.split(",");
  const [shard, shards] = (option("--shard") ?? "0/1").split("/").map(Number) as [number, number];
  const from = Number(option("--from") ?? 0);
  const logFile = option("--log");
  const reportFile = option("--report");
  const at = option("--at") === undefined ? undefined : new Set(option("--at")!.split(",").map(Number));
  const saveDir = option("--save");
  const root = PACKAGE_ROOT;
  const cwd = mkdtempSync(join(tmpdir(), "meshlint-fuzz-"));
  const started = Date.now();
  const categories = (["hostile", "line-ends", "mutant", "yaml-text"] as const).filter((c) => (only ? only.includes(c) : !full || c !== "yaml-text"));
  // The budget is shared: the hostile inputs and line-end variants are few and run whole; mutants and generated text
  // split what is left.
  const tallies = new Map<string, Tally>();
  const log = (record: object) => logFile && appendFileSync(logFile, `${JSON.stringify({ at: new Date().toISOString(), ...record })}\n`);
  let done = 0;
  let lastProgress = Date.now();
  const progress = (force = false) => {
    if (!force && Date.now() - lastProgress < 60_000) return;
    lastProgress = Date.now();
    const rate = done / ((Date.now() - started) / 1000);
    log({ progress: Object.fromEntries([...tallies].map(([c, t]) => [c, { tried: t.tried, failed: t.failed }])), ratePerSecond: Number(rate.toFixed(1)) });
    if (reportFile) writeFileSync(reportFile, report(tallies, Date.now() - started, seed, { shard, shards, from, full }));
  };
  let worker = await spawn(cwd);
  let index = 0;
  for (const category of categories) {
    const tally = newTally();
    tallies.set(category, tally);
    const left = categories.length - categories.indexOf(category);
    const deadline = category === "hostile" || category === "line-ends" ? Infinity : Date.now() + (budgetMs - (Date.now() - started)) / left;
    for (const make of inputsOf(category, root, seed, full)) {
      if (Date.now() > deadline) break;
      // One shared numbering over all categories, so that --shard and --from name the same inputs on every run.
      const position = index++;
      if (at ? !at.has(position) : position % shards !== shard || position < from) continue;
      const input = make();
      if (saveDir) writeFileSync(join(saveDir, `${position}.yaml`), input.bytes);
      const outcome = await runOne(worker, input);
      if (outcome.restart) worker = await spawn(cwd);
      done++;
      tally.tried++;
      tally.maxMs = Math.max(tally.maxMs, outcome.ms);
      tally.maxCpuMs = Math.max(tally.maxCpuMs, outcome.cpuMs);
      tally.maxHeapMb = Math.max(tally.maxHeapMb, outcome.heapMb);
      if (outcome.ms > TIME_BOUND_MS) tally.slow++;
      tally.slowest.push({ name: input.name, ms: Math.round(outcome.ms), cpuMs: Math.round(outcome.cpuMs), processCpuMs: Math.round(outcome.processCpuMs) });
      tally.slowest.sort((x, y) => y.cpuMs - x.cpuMs).splice(10);
      const problems = [...outcome.problems];
      if (outcome.cpuMs > TIME_BOUND_MS) {
        tally.slowCpu++;
        problems.push(`took ${Math.round(outcome.cpuMs)} ms of CPU (${Math.round(outcome.processCpuMs)} ms with helper threads, ${Math.round(outcome.ms)} ms wall)`);
      }
      const variant = input.category === "mutant" ? input.name.slice(input.name.lastIndexOf("-> ") + 3) : undefined;
      const perVariant = variant === undefined ? undefined : (tally.byVariant.get(variant) ?? tally.byVariant.set(variant, { tried: 0, failed: 0 }).get(variant)!);
      if (perVariant) perVariant.tried++;
      if (problems.length) {
        tally.failed++;
        if (perVariant) perVariant.failed++;
        for (const p of problems) {
          const kind = p.replace(/[:(].*$/s, "").replace(/\d+/g, "N").trim();
          tally.byProblem.set(kind, (tally.byProblem.get(kind) ?? 0) + 1);
        }
        if (tally.examples.length < 10) tally.examples.push(`${input.name}: ${problems.join("; ").slice(0, 400)}`);
        log({ failure: { category, position, name: input.name, problems } });
        if (at) process.stderr.write(`${position} ${input.name}:\n  ${problems.join("\n  ")}\n`);
      }
      progress();
    }
  }
  await worker.terminate();
  rmSync(cwd, { recursive: true, force: true });
  progress(true);
  process.stdout.write(report(tallies, Date.now() - started, seed, { shard, shards, from, full }));
  process.exitCode = [...tallies.values()].some((t) => t.failed) ? 1 : 0;
}

/** A worker that has linted once: the first lint loads and compiles meshlint (about a second), which no input is charged. */
async function spawn(cwd: string): Promise<Worker> {
  const worker = new Worker(new URL(import.meta.url), { workerData: { cwd }, resourceLimits: { maxOldGenerationSizeMb: HEAP_BOUND_MB } });
  await runOne(worker, { category: "yaml-text", name: "warm-up", bytes: new TextEncoder().encode("apiVersion: v1\nkind: Service\nmetadata: { name: warm }\n") });
  return worker;
}

function runOne(worker: Worker, input: FuzzInput): Promise<Reply & { restart: boolean }> {
  const started = performance.now();
  return new Promise((done) => {
    const finish = (reply: Reply, restart: boolean) => {
      clearInterval(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      done({ ...reply, restart });
    };
    const onMessage = (reply: Reply) => finish(reply, false);
    const onError = (error: Error) => {
      const oom = (error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY";
      finish({ problems: [oom ? `heap past ${HEAP_BOUND_MB} MB` : `worker died: ${error.message}`], ms: performance.now() - started, cpuMs: 0, processCpuMs: 0, heapMb: oom ? HEAP_BOUND_MB : 0 }, true);
    };
    const cpuBefore = process.cpuUsage();
    const timer = setInterval(() => {
      const cpu = process.cpuUsage(cpuBefore);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      const ms = performance.now() - started;
      if (cpuMs < HANG_MS && ms < 10 * HANG_MS) return;
      void worker.terminate();
      finish({ problems: [`hang: no answer after ${Math.round(cpuMs)} ms of CPU (${Math.round(ms)} ms)`], ms, cpuMs, processCpuMs: cpuMs, heapMb: 0 }, true);
    }, 500);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.postMessage(input);
  });
}

/** The inputs of a category, each made only when it runs (a shard skips most of them). */
function* inputsOf(category: string, root: string, seed: number, full: boolean): Generator<() => FuzzInput> {
  const fixtures = fixtureFiles(root);
  if (category === "hostile") {
    for (const input of hostileInputs()) yield () => input;
  } else if (category === "line-ends") {
    for (const file of fixtures) {
      let text: string;
      try {
        text = readFileSync(resolve(root, file), "utf8").replace(/\r\n?/g, "\n");
      } catch {
        continue; // a fixture that is deliberately unreadable (a dangling symlink)
      }
      for (const [name, variant] of LINE_END_VARIANTS) {
        yield () => ({ category: "line-ends", name: `${file} (${name})`, bytes: new TextEncoder().encode(variant(text)), original: text });
      }
    }
  } else if (category === "mutant") {
    // Every (fixture, path, mutation) in a shuffled order, so that any budget samples all fixtures. A budgeted run
    // mutates the valid fixtures; the full sweep the invalid ones too (their mutants reach the rules' error paths).
    const valid = fixtures.filter((f) => full || f.includes("/valid/")).map((f) => mutable(root, f)).filter((m) => m !== undefined);
    const triples: [number, number, number][] = [];
    valid.forEach((m, i) => m.paths.forEach((_, p) => MUTATIONS.forEach((__, k) => triples.push([i, p, k]))));
    const random = mulberry32(seed);
    for (let i = triples.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [triples[i], triples[j]] = [triples[j]!, triples[i]!];
    }
    for (const [i, p, k] of triples) {
      const m = valid[i]!;
      const path = m.paths[p]!;
      const [name, mutation] = MUTATIONS[k]!;
      yield () => ({ category: "mutant", name: mutantName(m, path, name), bytes: new TextEncoder().encode(mutate(m, path, mutation)) });
    }
  } else {
    let round = 0;
    for (;;) for (const input of fc.sample(yamlTextArb, { seed: seed + round++, numRuns: 100 })) yield () => input;
  }
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function report(tallies: Map<string, Tally>, ms: number, seed: number, run: { shard: number; shards: number; from: number; full: boolean }): string {
  const load = loadavg().map((l) => l.toFixed(1)).join(" ");
  const what = `${run.full ? "full sweep" : "budgeted run"}${run.shards > 1 ? `, shard ${run.shard}/${run.shards}` : ""}${run.from ? `, from input ${run.from}` : ""}`;
  const tried = [...tallies.values()].reduce((n, t) => n + t.tried, 0);
  const out: string[] = [`meshlint fuzz: ${what}, seed ${seed}, ${Math.round(ms / 1000)} s, ${tried} inputs (${(tried / (ms / 1000)).toFixed(1)}/s), load average ${load} on ${availableParallelism()} cores; bounds: ${TIME_BOUND_MS} ms of the lint thread's CPU and ${HEAP_BOUND_MB} MB of heap per input`, ""];
  out.push("category     inputs  failed  wall>2s  cpu>2s  slowest(ms)  most cpu(ms)  max heap(MB)");
  for (const [name, t] of tallies) {
    out.push(`${name.padEnd(12)} ${String(t.tried).padStart(6)}  ${String(t.failed).padStart(6)}  ${String(t.slow).padStart(7)}  ${String(t.slowCpu).padStart(6)}  ${String(Math.round(t.maxMs)).padStart(11)}  ${String(Math.round(t.maxCpuMs)).padStart(12)}  ${String(Math.round(t.maxHeapMb)).padStart(12)}`);
  }
  for (const [name, t] of tallies) {
    if (t.byVariant.size) out.push("", `${name} by mutation: ${[...t.byVariant].map(([v, n]) => `${v} ${n.tried}${n.failed ? ` (${n.failed} failed)` : ""}`).join(", ")}`);
    if (t.slowest.length) out.push("", `${name}: slowest by CPU:`, ...t.slowest.slice(0, 5).map((s) => `  ${s.cpuMs} ms CPU (${s.processCpuMs} ms with helper threads, ${s.ms} ms wall)  ${s.name}`));
    if (!t.failed) continue;
    out.push("", `${name}: failures by kind: ${[...t.byProblem].map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    for (const e of t.examples) out.push(`  - ${e}`);
  }
  return `${out.join("\n")}\n`;
}
