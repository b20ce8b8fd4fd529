import { serve } from "../lsp/server.js";
import type { CliIo } from "./io.js";

/** `meshlint lsp [--stdio]`: runs the server on standard input and output until the client exits. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const unknown = argv.filter((a) => a !== "--stdio");
  if (unknown.length) {
    io.error(`meshlint lsp: unexpected argument "${unknown[0]}" (the server speaks LSP over standard input and output)\n`);
    return 2;
  }
  return new Promise<number>((done) => {
    const connection = serve(process.stdin, process.stdout, io.cwd, () => {
      done(1);
      // Standard input stays open after a broken message: end the process, the client restarts the server.
      setImmediate(() => process.exit(1));
    });
    connection.onExit(() => done(0));
    process.stdin.on("end", () => done(0));
  });
}
