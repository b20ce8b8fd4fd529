import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Diagnostic as LspDiagnostic } from "vscode-languageserver/node";
import type { DocumentLinter, LintOutcome } from "./linter.js";
import { WorkspaceFolder } from "./workspace.js";

export type ToLintWorker =
  | { readonly type: "buffer"; readonly path: string; readonly text: string }
  | { readonly type: "drop" | "changed"; readonly path: string }
  | { readonly type: "lint"; readonly id: number; readonly files: readonly string[] };

export interface FromLintWorker {
  readonly id: number;
  readonly outcome: { kind: "done"; byFile: [string, readonly LspDiagnostic[]][] } | { kind: "stopped"; reason: string };
}

/**
 * The compiled lint thread, beside this module: in tsc's output (dist/lsp/) or in the CLI bundle's folder (dist/cli/,
 * scripts/build-cli.mjs). There is none when running from the sources.
 */
export function lintWorkerScript(): URL | undefined {
  const here = new URL("./lint-worker.js", import.meta.url);
  return here.protocol === "file:" && existsSync(fileURLToPath(here)) ? here : undefined;
}

/**
 * Lints in a worker thread, so that the server's own thread stays free to answer the editor (shutdown included)
 * whatever a document holds, and bounds each lint: a lint that runs past `timeoutMs`, or whose thread fails or runs
 * out of memory, is stopped with its thread; the next lint starts a fresh thread, which reads the workspace again
 * and is handed the editor's buffers.
 */
export class WorkerLinter implements DocumentLinter {
  readonly folder: WorkspaceFolder;
  private worker: Worker | undefined;
  private readonly buffers = new Map<string, string>();
  private waiting: { id: number; answer: (outcome: LintOutcome) => void } | undefined;
  private nextId = 0;

  constructor(
    root: string,
    private readonly script: URL,
    private readonly timeoutMs: number,
  ) {
    this.folder = new WorkspaceFolder(root);
  }

  setBuffer(path: string, text: string): void {
    this.buffers.set(path, text);
    this.worker?.postMessage({ type: "buffer", path, text } satisfies ToLintWorker);
  }

  dropBuffer(path: string): void {
    this.buffers.delete(path);
    this.worker?.postMessage({ type: "drop", path } satisfies ToLintWorker);
  }

  fileChanged(path: string): void {
    this.worker?.postMessage({ type: "changed", path } satisfies ToLintWorker);
  }

  lint(files: readonly string[]): Promise<LintOutcome> {
    const worker = this.start();
    const id = ++this.nextId;
    return new Promise((answer) => {
      const timer = setTimeout(() => void this.stop(`meshlint stopped a lint that ran past its time bound of ${this.timeoutMs / 1000} s`), this.timeoutMs);
      this.waiting = {
        id,
        answer: (outcome) => {
          clearTimeout(timer);
          this.waiting = undefined;
          answer(outcome);
        },
      };
      worker.postMessage({ type: "lint", id, files } satisfies ToLintWorker);
    });
  }

  async dispose(): Promise<void> {
    await this.stop("the server is shutting down");
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { root: this.folder.root } });
    worker.on("message", ({ id, outcome }: FromLintWorker) => {
      if (this.waiting?.id !== id) return;
      this.waiting.answer(outcome.kind === "done" ? { kind: "done", byFile: new Map(outcome.byFile) } : outcome);
    });
    worker.on("error", (error: Error & { code?: string }) => {
      void this.stop(error.code === "ERR_WORKER_OUT_OF_MEMORY" ? "the lint ran out of memory" : `the lint thread failed: ${error.message}`);
    });
    worker.on("exit", () => {
      if (this.worker === worker) void this.stop("the lint thread ended");
    });
    for (const [path, text] of this.buffers) worker.postMessage({ type: "buffer", path, text } satisfies ToLintWorker);
    this.worker = worker;
    return worker;
  }

  /** Ends the thread (the next lint starts another) and answers the waiting lint with the reason. */
  private async stop(reason: string): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.waiting?.answer({ kind: "stopped", reason });
    if (worker) await worker.terminate();
  }
}
