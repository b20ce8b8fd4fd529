import { readFileSync, writeFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import { isMainThread } from "node:worker_threads";

/**
 * Where a run spends its time, phase by phase, for `npm run bench` and for anyone asking with the environment
 * variable MESHLINT_TIMING: `1` prints a table to standard error when the process exits, a path ending in `.json`
 * writes the phases there. Unset, every call here returns at once.
 *
 * A phase is the time from the previous mark to its own: `phase("parse")` after reading the files charges the
 * parse to "parse". The same name marked several times (one lint per LSP change) adds up.
 */
export interface PhaseTime {
  readonly phase: string;
  /** CPU of the whole process: every thread, V8's garbage collector's helper threads included. */
  readonly cpuMs: number;
  readonly wallMs: number;
  /** CPU of the main thread alone, where Linux tells it (/proc/self/task/PID/schedstat). */
  readonly threadCpuMs?: number;
  /** Garbage collection pauses of the main thread that began in the phase. */
  readonly gcMs: number;
}

const setting = process.env.MESHLINT_TIMING;
const enabled = setting !== undefined && setting !== "" && setting !== "0";
const totals = new Map<string, { cpuMs: number; wallMs: number; threadCpuMs: number | undefined; gcMs: number }>();
/** Each mark's phase and the wall-clock span it covers, to charge the garbage collections to. */
const spans: { name: string; from: number; to: number }[] = [];
const pauses: { start: number; duration: number }[] = [];
let observer: PerformanceObserver | undefined;
// Time before the first mark is start-up: Node itself and module loading (measured from process start).
let last = { cpu: 0, wall: 0, thread: 0 as number | undefined };

const cpuNow = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const schedstat = `/proc/self/task/${process.pid}/schedstat`;
/** The main thread's own CPU time in milliseconds (its first schedstat field is nanoseconds run), or undefined. */
function threadCpuNow(): number | undefined {
  if (!isMainThread || process.platform !== "linux") return undefined;
  try {
    return Number(readFileSync(schedstat, "utf8").split(" ")[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** Charges the time since the previous mark to `name`. */
export function phase(name: string): void {
  if (!enabled) return;
  const now = { cpu: cpuNow(), wall: performance.now(), thread: threadCpuNow() };
  const total = totals.get(name) ?? { cpuMs: 0, wallMs: 0, threadCpuMs: 0, gcMs: 0 };
  total.cpuMs += now.cpu - last.cpu;
  total.wallMs += now.wall - last.wall;
  total.threadCpuMs = now.thread === undefined || last.thread === undefined || total.threadCpuMs === undefined ? undefined : total.threadCpuMs + now.thread - last.thread;
  totals.set(name, total);
  spans.push({ name, from: last.wall, to: now.wall });
  last = now;
}

/** The phases so far, in the order first marked. */
export function phaseTimes(): PhaseTime[] {
  for (const entry of observer?.takeRecords() ?? []) pauses.push({ start: entry.startTime, duration: entry.duration });
  for (const total of totals.values()) total.gcMs = 0;
  for (const pause of pauses) {
    const span = spans.find((s) => pause.start >= s.from && pause.start < s.to);
    const total = span && totals.get(span.name);
    if (total) total.gcMs += pause.duration;
  }
  return [...totals].map(([name, t]) => ({
    phase: name,
    cpuMs: Math.round(t.cpuMs),
    wallMs: Math.round(t.wallMs),
    ...(t.threadCpuMs !== undefined ? { threadCpuMs: Math.round(t.threadCpuMs) } : {}),
    gcMs: Math.round(t.gcMs),
  }));
}

if (enabled) {
  observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) pauses.push({ start: entry.startTime, duration: entry.duration });
  });
  observer.observe({ entryTypes: ["gc"] });
  // The main thread's CPU before the first mark is start-up, as the process's is.
  last.thread = isMainThread && process.platform === "linux" ? 0 : undefined;
  process.on("exit", () => {
    phase("exit");
    const phases = phaseTimes();
    observer?.disconnect();
    if (setting.endsWith(".json")) {
      writeFileSync(setting, JSON.stringify({ phases, maxRssKb: process.resourceUsage().maxRSS }));
      return;
    }
    const width = Math.max(...phases.map((p) => p.phase.length));
    const lines = phases.map(
      (p) =>
        `${p.phase.padEnd(width)}  ${String(p.cpuMs).padStart(7)} ms CPU  ${String(p.wallMs).padStart(7)} ms wall` +
        `${p.threadCpuMs !== undefined ? `  ${String(p.threadCpuMs).padStart(7)} ms main thread` : ""}  ${String(p.gcMs).padStart(6)} ms GC`,
    );
    process.stderr.write(`meshlint timing (MESHLINT_TIMING):\n${lines.join("\n")}\n`);
  });
}
