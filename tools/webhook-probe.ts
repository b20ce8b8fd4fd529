import { PerformanceObserver, constants, monitorEventLoopDelay } from "node:perf_hooks";

// Preloaded into the webhook `npm run bench:webhook` measures (`node --import webhook-probe.js bin/meshlint.js
// webhook ...`, with an IPC channel): it watches the event loop's delay and the garbage collector's pauses, and on
// the message "probe" answers with what it saw since the last one, then starts over. This says whether the time a
// request waited was spent in the webhook's process (a busy loop, a GC pause) or outside it.

export interface ProbeReport {
  /** Event-loop delay (how late a 10 ms timer fired), ms. */
  readonly loopDelay: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Garbage-collection pauses: count and the longest, ms, for scavenges (minor) and mark-compacts (major). */
  readonly gc: { readonly minor: number; readonly minorMaxMs: number; readonly major: number; readonly majorMaxMs: number; readonly totalMs: number };
  /** CPU time (user + system) since the last report, ms. */
  readonly cpuMs: number;
}

if (process.send) {
  // Node's default resolution: a finer timer wakes the webhook a thousand times a second, which its CPU time would count.
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let gc = { minor: 0, minorMaxMs: 0, major: 0, majorMaxMs: 0, totalMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind;
      gc.totalMs += entry.duration;
      if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) {
        gc.major++;
        gc.majorMaxMs = Math.max(gc.majorMaxMs, entry.duration);
      } else {
        gc.minor++;
        gc.minorMaxMs = Math.max(gc.minorMaxMs, entry.duration);
      }
    }
  }).observe({ entryTypes: ["gc"] });
  let cpu = process.cpuUsage();
  process.on("message", (message) => {
    if (message !== "probe") return;
    const used = process.cpuUsage(cpu);
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const report: ProbeReport = {
      loopDelay: { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max) },
      gc: { ...gc, minorMaxMs: Math.round(gc.minorMaxMs * 100) / 100, majorMaxMs: Math.round(gc.majorMaxMs * 100) / 100, totalMs: Math.round(gc.totalMs) },
      cpuMs: Math.round((used.user + used.system) / 1000),
    };
    process.send!(report);
    delay.reset();
    gc = { minor: 0, minorMaxMs: 0, major: 0, majorMaxMs: 0, totalMs: 0 };
    cpu = process.cpuUsage();
  });
  // The channel must not keep a webhook alive that was asked to stop.
  (process.channel as { unref?: () => void } | undefined)?.unref?.();
}
