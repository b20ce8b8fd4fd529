// npm run fuzz [-- --budget SECONDS] [--seed N] [--only CATEGORY,...]
//
// Feeds meshlint inputs of four categories (tools/fuzz-cases.ts) for a time budget and reports, per category, the
// inputs tried, the broken promises found (exit code, stack trace, internal-error, a position outside the input,
// findings that move with the line ends), the slowest input and the largest heap. Each input runs in a worker thread
// limited to 500 MB of heap and watched by a timer: an input that takes more than 2 s or fills the heap is a failure
// (the worker is replaced after a hang or an out-of-memory). Exit 1 when anything failed. Beside wall time, the CPU
// time of each input is reported: on a shared machine wall time grows with the load, CPU time much less.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
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

/** The bound each input must stay within (the issue's goal): wall time and heap. */
const TIME_BOUND_MS = 2000;
const HEAP_BOUND_MB = 500;
/** A worker silent for this long is hung: it is terminated and the input counted as a hang. */
const HANG_MS = 20_000;

interface Reply {
  readonly problems: readonly string[];
  readonly ms: number;
  /** CPU time of the process while the input ran (the worker's, nearly all): wall time grows with the machine's load. */
  readonly cpuMs: number;
  readonly heapMb: number;
}

if (!isMainThread) {
  const cwd = (workerData as { cwd: string }).cwd;
  const baselines = new Map<string, Promise<string[]>>();
  parentPort!.on("message", async (input: FuzzInput) => {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
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
    parentPort!.postMessage({ problems, ms, cpuMs: (cpu.user + cpu.system) / 1000, heapMb: process.memoryUsage().heapUsed / 2 ** 20 } satisfies Reply);
  });
} else {
  await main();
}

function option(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
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
  examples: string[];
}

async function main(): Promise<void> {
  const budgetMs = Number(option("--budget") ?? 120) * 1000;
  const seed = Number(option("--seed") ?? 17);
  const only = option("--only")?.split(",");
  const root = PACKAGE_ROOT;
  const cwd = mkdtempSync(join(tmpdir(), "meshlint-fuzz-"));
  const started = Date.now();
  const categories = (["hostile", "line-ends", "mutant", "yaml-text"] as const).filter((c) => !only || only.includes(c));
  // The budget is shared: the hostile inputs and line-end variants are few and run whole; mutants and generated text
  // split what is left.
  const tallies = new Map<string, Tally>();
  let worker = spawn(cwd);
  for (const category of categories) {
    const tally: Tally = { tried: 0, failed: 0, slow: 0, slowCpu: 0, maxMs: 0, maxCpuMs: 0, maxHeapMb: 0, byProblem: new Map(), examples: [] };
    tallies.set(category, tally);
    const left = categories.length - categories.indexOf(category);
    const deadline = category === "hostile" || category === "line-ends" ? Infinity : Date.now() + (budgetMs - (Date.now() - started)) / left;
    for (const input of inputsOf(category, root, seed)) {
      if (Date.now() > deadline) break;
      const outcome = await runOne(worker, input);
      if (outcome.restart) worker = spawn(cwd);
      tally.tried++;
      tally.maxMs = Math.max(tally.maxMs, outcome.ms);
      tally.maxCpuMs = Math.max(tally.maxCpuMs, outcome.cpuMs);
      if (outcome.cpuMs > TIME_BOUND_MS) tally.slowCpu++;
      tally.maxHeapMb = Math.max(tally.maxHeapMb, outcome.heapMb);
      const problems = [...outcome.problems];
      if (outcome.ms > TIME_BOUND_MS) {
        tally.slow++;
        problems.push(`took ${Math.round(outcome.ms)} ms (${Math.round(outcome.cpuMs)} ms of CPU)`);
      }
      if (problems.length) {
        tally.failed++;
        for (const p of problems) {
          const kind = p.replace(/[:(].*$/s, "").replace(/\d+/g, "N").trim();
          tally.byProblem.set(kind, (tally.byProblem.get(kind) ?? 0) + 1);
        }
        if (tally.examples.length < 10) tally.examples.push(`${input.name}: ${problems.join("; ").slice(0, 400)}`);
      }
    }
  }
  await worker.terminate();
  rmSync(cwd, { recursive: true, force: true });
  report(tallies, Date.now() - started, seed);
  process.exitCode = [...tallies.values()].some((t) => t.failed) ? 1 : 0;
}

function spawn(cwd: string): Worker {
  return new Worker(new URL(import.meta.url), { workerData: { cwd }, resourceLimits: { maxOldGenerationSizeMb: HEAP_BOUND_MB } });
}

function runOne(worker: Worker, input: FuzzInput): Promise<Reply & { restart: boolean }> {
  const started = performance.now();
  return new Promise((done) => {
    const finish = (reply: Reply, restart: boolean) => {
      clearTimeout(timer);
      worker.off("message", onMessage);
      worker.off("error", onError);
      done({ ...reply, restart });
    };
    const onMessage = (reply: Reply) => finish(reply, false);
    const onError = (error: Error) => {
      const oom = (error as NodeJS.ErrnoException).code === "ERR_WORKER_OUT_OF_MEMORY";
      finish({ problems: [oom ? `heap past ${HEAP_BOUND_MB} MB` : `worker died: ${error.message}`], ms: performance.now() - started, cpuMs: 0, heapMb: oom ? HEAP_BOUND_MB : 0 }, true);
    };
    const timer = setTimeout(() => {
      void worker.terminate();
      finish({ problems: [`hang: no answer in ${HANG_MS} ms`], ms: HANG_MS, cpuMs: 0, heapMb: 0 }, true);
    }, HANG_MS);
    worker.on("message", onMessage);
    worker.on("error", onError);
    worker.postMessage(input);
  });
}

function* inputsOf(category: string, root: string, seed: number): Generator<FuzzInput> {
  const fixtures = fixtureFiles(root);
  if (category === "hostile") {
    yield* hostileInputs();
  } else if (category === "line-ends") {
    for (const file of fixtures) {
      let text: string;
      try {
        text = readFileSync(resolve(root, file), "utf8").replace(/\r\n?/g, "\n");
      } catch {
        continue; // a fixture that is deliberately unreadable (a dangling symlink)
      }
      for (const [name, variant] of LINE_END_VARIANTS) {
        yield { category: "line-ends", name: `${file} (${name})`, bytes: new TextEncoder().encode(variant(text)), original: text };
      }
    }
  } else if (category === "mutant") {
    // Every (valid fixture, path, mutation) in a shuffled order, so that any budget samples all fixtures.
    const valid = fixtures.filter((f) => f.includes("/valid/")).map((f) => mutable(root, f)).filter((m) => m !== undefined);
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
      yield { category: "mutant", name: mutantName(m, path, name), bytes: new TextEncoder().encode(mutate(m, path, mutation)) };
    }
  } else {
    let round = 0;
    for (;;) yield* fc.sample(yamlTextArb, { seed: seed + round++, numRuns: 100 });
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

function report(tallies: Map<string, Tally>, ms: number, seed: number): void {
  const load = loadavg().map((l) => l.toFixed(1)).join(" ");
  const out: string[] = [`meshlint fuzz: seed ${seed}, ${Math.round(ms / 1000)} s, load average ${load} on ${availableParallelism()} cores; bounds: ${TIME_BOUND_MS} ms and ${HEAP_BOUND_MB} MB of heap per input`, ""];
  out.push("category     inputs  failed  >2s  cpu>2s  slowest(ms)  most cpu(ms)  max heap(MB)");
  for (const [name, t] of tallies) {
    out.push(`${name.padEnd(12)} ${String(t.tried).padStart(6)}  ${String(t.failed).padStart(6)}  ${String(t.slow).padStart(3)}  ${String(t.slowCpu).padStart(6)}  ${String(Math.round(t.maxMs)).padStart(11)}  ${String(Math.round(t.maxCpuMs)).padStart(12)}  ${String(Math.round(t.maxHeapMb)).padStart(12)}`);
  }
  for (const [name, t] of tallies) {
    if (!t.failed) continue;
    out.push("", `${name}: failures by kind: ${[...t.byProblem].map(([k, n]) => `${k} ×${n}`).join(", ")}`);
    for (const e of t.examples) out.push(`  - ${e}`);
  }
  process.stdout.write(`${out.join("\n")}\n`);
}
