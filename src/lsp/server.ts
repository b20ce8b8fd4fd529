import { fileURLToPath } from "node:url";
import {
  type Connection,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { VERSION } from "../base/package.js";
import { type DocumentLinter, InThreadLinter } from "./linter.js";
import { WorkerLinter, lintWorkerScript } from "./worker-linter.js";

/** Quiet time after the last keystroke before linting again. */
const DEBOUNCE_MS = 150;
/** How long one lint may run before its thread is stopped: a backstop far above a 100k-resource repository's full lint
 * (about 100 s on a loaded 2-core machine), so that only a runaway lint meets it (initializationOptions.lintTimeoutMs). */
const LINT_TIMEOUT_MS = 300_000;

/** A file: URI's path, or undefined when Node cannot convert it (a UNC host such as file://server/x, an encoded /). */
function filePath(uri: string): string | undefined {
  if (!uri.startsWith("file:")) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/**
 * Serves meshlint over the Language Server Protocol on the given streams: the workspace is read once and kept
 * warm; YAML and JSON documents are linted as they are opened and changed (each lint covers the whole repository,
 * with the editor's unsaved text in place of the files on disk), and every open document's diagnostics are
 * published after each lint, so that fixing one file clears findings in another. Lints run in a worker thread, so
 * that this thread always answers the editor, and each is bounded in time: a document too large or too complex to
 * lint in time stops that lint with a warning instead of freezing the editor.
 */
export function serve(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, fallbackRoot: string, onFatal: () => void = () => process.exit(1)): Connection {
  const reader = new StreamMessageReader(input);
  const connection = createConnection(reader, new StreamMessageWriter(output));
  // A header the reader cannot parse (`Content-Length: abc`) leaves the stream out of step for good: say so and end,
  // so that the client restarts the server instead of waiting forever for answers.
  reader.onError((error) => {
    process.stderr.write(`meshlint lsp: unreadable message from the client (${error.message}); stopping\n`);
    onFatal();
  });
  /** The path of a document meshlint lints: a convertible file: URI inside the workspace (others join no index). */
  const pathOf = (uri: string): string | undefined => {
    const path = filePath(uri);
    return path !== undefined && linter.folder.contains(path) ? path : undefined;
  };
  const documents = new TextDocuments(TextDocument);
  let linter: DocumentLinter = linterFor(fallbackRoot, LINT_TIMEOUT_MS);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let watching = false;

  connection.onInitialize((params) => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const folderPath = (folder ? filePath(folder) : undefined) ?? params.rootPath ?? undefined;
    const asked = (params.initializationOptions as { lintTimeoutMs?: unknown } | undefined)?.lintTimeoutMs;
    const timeoutMs = typeof asked === "number" && asked > 0 ? asked : LINT_TIMEOUT_MS;
    void linter.dispose();
    linter = linterFor(folderPath ?? fallbackRoot, timeoutMs);
    watching = Boolean(params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration);
    return {
      capabilities: { textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: false } },
      serverInfo: { name: "meshlint", version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (watching) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: "**/*.{yaml,yml,json}" }, { globPattern: "**/{.meshlintignore,.gitignore}" }],
      });
    }
  });

  const schedule = (delay: number) => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      // A failure of one lint is logged and the next one still runs: an unhandled rejection would end the process.
      running = running.then(lintAndPublish).catch((error: unknown) => connection.console.error(`meshlint: ${(error as Error).message}`));
    }, delay);
  };

  const lintAndPublish = async () => {
    const open = documents.all().flatMap((doc) => {
      const path = pathOf(doc.uri);
      return path === undefined ? [] : [{ uri: doc.uri, version: doc.version, file: linter.folder.display(path) }];
    });
    const outcome = await linter.lint(open.map((d) => d.file));
    if (shuttingDown) return;
    if (outcome.kind === "stopped") {
      // Said on every open document, where the editor shows it: the findings come back with the next edit.
      connection.console.error(`meshlint: ${outcome.reason}`);
      const message = `${outcome.reason}; findings return after the next edit. A very large or deeply nested document can cause this.`;
      const stopped = [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: DiagnosticSeverity.Warning, source: "meshlint", code: "lint-stopped", message }];
      for (const doc of open) await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: stopped });
      return;
    }
    for (const doc of open) await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: [...(outcome.byFile.get(doc.file) ?? [])] });
  };

  documents.onDidOpen(({ document }) => {
    const path = pathOf(document.uri);
    if (path === undefined) return;
    linter.setBuffer(path, document.getText());
    schedule(0);
  });
  documents.onDidChangeContent(({ document }) => {
    const path = pathOf(document.uri);
    if (path === undefined) return;
    linter.setBuffer(path, document.getText());
    schedule(DEBOUNCE_MS);
  });
  documents.onDidClose(({ document }) => {
    const path = pathOf(document.uri);
    if (path === undefined) return;
    linter.dropBuffer(path);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    schedule(DEBOUNCE_MS);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = pathOf(change.uri);
      if (path !== undefined) linter.fileChanged(path);
    }
    schedule(DEBOUNCE_MS);
  });

  let shuttingDown = false;
  connection.onShutdown(() => {
    shuttingDown = true;
    return linter.dispose();
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** A linter in its own thread when the compiled worker script is at hand, else in this one (running from sources). */
function linterFor(root: string, timeoutMs: number): DocumentLinter {
  const script = lintWorkerScript();
  return script ? new WorkerLinter(root, script, timeoutMs) : new InThreadLinter(root);
}
