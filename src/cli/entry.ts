import { run } from "./main.js";

/** The process-facing shell around run(): real streams, real exit code. */
export function main(): void {
  run(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    write: (text) => process.stdout.write(text),
    error: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString("utf8");
    },
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`meshlint: internal error: ${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
