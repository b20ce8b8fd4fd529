import { writeFileSync } from "node:fs";

/**
 * Where a run spends its time, phase by phase (CPU and wall milliseconds), for `npm run bench` and for anyone
 * asking with the environment variable MESHLINT_TIMING: `1` prints a table to standard error when the process
 * exits, a path ending in `.json` writes the phases there. Unset, every call here returns at once.
 *
 * A phase is the time from the previous mark to its own: `phase("parse")` after reading the files charges the
 * parse to "parse". The same name marked several times (one lint per LSP change) adds up.
 */
export interface PhaseTime {
  readonly phase: string;
  readonly cpuMs: number;
  readonly wallMs: number;
}

const setting = process.env.MESHLINT_TIMING;
const enabled = setting !== undefined && setting !== "" && setting !== "0";
const totals = new Map<string, { cpuMs: number; wallMs: number }>();
// Time before the first mark is start-up: Node itself and module loading (measured from process start).
let last = { cpu: 0, wall: 0 };

const cpuNow = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Charges the time since the previous mark to `name`. */
export function phase(name: string): void {
  if (!enabled) return;
  const now = { cpu: cpuNow(), wall: performance.now() };
  const total = totals.get(name) ?? { cpuMs: 0, wallMs: 0 };
  total.cpuMs += now.cpu - last.cpu;
  total.wallMs += now.wall - last.wall;
  totals.set(name, total);
  last = now;
}

/** The phases so far, in the order first marked. */
export function phaseTimes(): PhaseTime[] {
  return [...totals].map(([name, t]) => ({ phase: name, cpuMs: Math.round(t.cpuMs), wallMs: Math.round(t.wallMs) }));
}

if (enabled) {
  process.on("exit", () => {
    phase("exit");
    const phases = phaseTimes();
    if (setting.endsWith(".json")) {
      writeFileSync(setting, JSON.stringify({ phases, maxRssKb: process.resourceUsage().maxRSS }));
      return;
    }
    const width = Math.max(...phases.map((p) => p.phase.length));
    const lines = phases.map((p) => `${p.phase.padEnd(width)}  ${String(p.cpuMs).padStart(7)} ms CPU  ${String(p.wallMs).padStart(7)} ms wall`);
    process.stderr.write(`meshlint timing (MESHLINT_TIMING):\n${lines.join("\n")}\n`);
  });
}
