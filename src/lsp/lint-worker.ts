// The language server's lint thread (worker-linter.ts starts it): the warm workspace lives here, so that a long lint
// never holds up the protocol, and the server can stop this thread when a lint runs past its time bound.
import { parentPort, workerData } from "node:worker_threads";
import { InThreadLinter } from "./linter.js";
import type { ToLintWorker, FromLintWorker } from "./worker-linter.js";

const port = parentPort!;
const linter = new InThreadLinter((workerData as { root: string }).root);

port.on("message", (message: ToLintWorker) => {
  switch (message.type) {
    case "buffer":
      linter.setBuffer(message.path, message.text);
      break;
    case "drop":
      linter.dropBuffer(message.path);
      break;
    case "changed":
      linter.fileChanged(message.path);
      break;
    case "lint":
      linter.lint(message.files).then(
        (outcome) => port.postMessage({ id: message.id, outcome: outcome.kind === "done" ? { kind: "done", byFile: [...outcome.byFile] } : outcome } satisfies FromLintWorker),
        (error: unknown) => port.postMessage({ id: message.id, outcome: { kind: "stopped", reason: `the lint failed: ${(error as Error).message}` } } satisfies FromLintWorker),
      );
      break;
  }
});
