import { readFileSync } from "node:fs";
import { loadavg } from "node:os";

// What a benchmark child process costs, read from /proc (Linux): on a shared machine its CPU time per request says
// more than wall-clock latency, which the other processes' load stretches.

/** Peak resident set so far (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Math.round(Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
}

/** CPU time (user + system) the process has used so far, in ms (10 ms resolution). */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // Fields after the command name (which may hold spaces, so split after its closing parenthesis): utime and stime
  // are the 14th and 15th fields, in clock ticks of 1/100 s.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/** The 1-minute load average, for reading any timing next to it. */
export const load = (): string => loadavg()[0]!.toFixed(1);
