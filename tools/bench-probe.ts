import { writeFileSync } from "node:fs";

// Preloaded into every process `npm run bench` measures (`node --import bench-probe.js ...`): at exit it writes the
// process's whole CPU time (from its start, so Node's own start-up and module loading count) and its peak RSS to
// the file named by MESHLINT_BENCH_PROBE.

const target = process.env.MESHLINT_BENCH_PROBE;
if (target) {
  process.on("exit", () => {
    const usage = process.resourceUsage();
    writeFileSync(target, JSON.stringify({ cpuMs: Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000), maxRssKb: usage.maxRSS }));
  });
}
