import { run } from "./main.js";

/** The process-facing shell around run(): real streams, real exit code. */
export function main(): void {
  // A reader that stops early (`meshlint --list-rules | head -1`) closes the pipe. Further output has nowhere to go:
  // drop it quietly and let the run end with its own exit code, instead of dying on an unhandled EPIPE.
  const closed = new Set<NodeJS.WriteStream>();
  const writer = (stream: NodeJS.WriteStream) => {
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code !== "EPIPE") throw error;
      closed.add(stream);
    });
    return (text: string) => void (closed.has(stream) || stream.write(text));
  };
  run(process.argv.slice(2), {
    cwd: process.cwd(),
    env: process.env,
    stdoutIsTTY: Boolean(process.stdout.isTTY),
    write: writer(process.stdout),
    error: writer(process.stderr),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks);
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
