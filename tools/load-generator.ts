import { readFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { performance } from "node:perf_hooks";

// An open-loop HTTPS load generator for `npm run bench:webhook`, run in its own process so that its work and the
// server's do not share an event loop.
//
// Pacing: request i is due at start + i / rate, whatever happened to earlier requests (open loop: a slow answer
// does not hold back the next request, as it does in a closed loop where each connection waits for its answer).
// Latency is measured from the time a request was DUE, not from when it was written, so a stall anywhere (the
// server, the network, this generator's own event loop, a full connection pool) counts in full against the request
// that waited: coordinated omission cannot hide a wait, and nothing is synthesized to correct for it either.
// Requests go over a pool of keep-alive TLS connections (Nagle off), opened before the measured run; when all are
// busy, a request waits for one (and that wait is in its latency).
//
// Usage: load-generator --port P --bodies FILE.json --rate R --seconds S [--connections N] [--path /validate]
// FILE.json holds an array of request bodies (AdmissionReviews), sent round-robin; an answer counts as good when its
// status is 200 and its JSON names the uid of the request's body. Prints one JSON object (see Report) on stdout.

export interface Report {
  readonly rate: number;
  readonly seconds: number;
  readonly sent: number;
  readonly answered: number;
  readonly failed: number;
  /** The first few failures' reasons. */
  readonly failures: readonly string[];
  /** Latency from the due time to the end of the answer, ms. */
  readonly latency: Percentiles;
  /** How late this generator wrote requests (write time - due time), ms: large values mean it could not keep up. */
  readonly sendLag: Percentiles;
  /** This generator's CPU time over the run, ms. */
  readonly generatorCpuMs: number;
}

export interface Percentiles {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

const TIMEOUT_MS = 10_000;

export function percentiles(values: number[]): Percentiles {
  const sorted = Float64Array.from(values).sort();
  const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]! : 0);
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), p999: at(0.999), max: at(1) };
}

interface Options {
  readonly port: number;
  readonly bodies: readonly string[];
  readonly rate: number;
  readonly seconds: number;
  readonly connections: number;
  readonly path: string;
}

export async function run(options: Options): Promise<Report> {
  const agent = new Agent({ keepAlive: true, maxSockets: options.connections, rejectUnauthorized: false, scheduling: "fifo" });
  const uids = options.bodies.map((body) => (JSON.parse(body) as { request?: { uid?: string } }).request?.uid ?? "");
  const send = (index: number, onDone: (failure?: string) => void) => {
    const body = options.bodies[index % options.bodies.length]!;
    const req = request(
      { host: "127.0.0.1", port: options.port, path: options.path, method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          if (res.statusCode !== 200) return onDone(`HTTP ${res.statusCode}`);
          try {
            const answer = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { response?: { uid?: string } };
            onDone(answer.response?.uid === uids[index % uids.length] ? undefined : "the answer names another uid");
          } catch {
            onDone("the answer is not JSON");
          }
        });
        res.on("error", (error) => onDone(error.message));
      },
    );
    req.on("socket", (socket) => socket.setNoDelay(true));
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${TIMEOUT_MS / 1000} s`)));
    req.on("error", (error) => onDone(error.message));
    req.end(body);
  };

  // Open the whole pool first (TLS handshakes are not what is measured), all at once so that each gets a socket.
  await Promise.all(Array.from({ length: options.connections }, (_, i) => new Promise<void>((resolve) => send(i, () => resolve()))));

  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const lags: number[] = [];
  const failures: string[] = [];
  let failed = 0;
  let finished = 0;
  const cpuBefore = process.cpuUsage();
  const start = performance.now() + 20;
  await new Promise<void>((resolve) => {
    let next = 0;
    const tick = () => {
      const now = performance.now();
      // Everything already due goes out now (a late timer sends a small burst, each request still timed from its due time).
      for (; next < total && start + next * interval <= now; next++) {
        const due = start + next * interval;
        lags.push(performance.now() - due);
        send(next, (failure) => {
          if (failure) {
            failed++;
            if (failures.length < 5) failures.push(failure);
          } else latencies.push(performance.now() - due);
          if (++finished === total) resolve();
        });
      }
      if (next < total) setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  const cpu = process.cpuUsage(cpuBefore);
  agent.destroy();
  return {
    rate: options.rate,
    seconds: options.seconds,
    sent: total,
    answered: latencies.length,
    failed,
    failures,
    latency: percentiles(latencies),
    sendLag: percentiles(lags),
    generatorCpuMs: Math.round((cpu.user + cpu.system) / 1000),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const option = (name: string, fallback?: string): string => {
    const i = args.indexOf(`--${name}`);
    const value = i >= 0 ? args[i + 1] : fallback;
    if (value === undefined) throw new Error(`load-generator: --${name} is required`);
    return value;
  };
  const report = await run({
    port: Number(option("port")),
    bodies: JSON.parse(readFileSync(option("bodies"), "utf8")) as string[],
    rate: Number(option("rate")),
    seconds: Number(option("seconds")),
    connections: Number(option("connections", "32")),
    path: option("path", "/validate"),
  });
  console.log(JSON.stringify(report));
}
