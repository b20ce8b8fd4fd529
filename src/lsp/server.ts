import { fileURLToPath, pathToFileURL } from "node:url";
import {
  type Connection,
  DiagnosticSeverity,
  DidChangeWatchedFilesNotification,
  type Diagnostic as LspDiagnostic,
  StreamMessageReader,
  StreamMessageWriter,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { LintResult } from "../api.js";
import type { Diagnostic } from "../engine/diagnostic.js";
import type { RuleCatalog } from "../engine/catalog.js";
import type { SourceSpan } from "../model/resource.js";
import { VERSION } from "../base/package.js";
import { docUrlOf } from "../report/docs-url.js";
import { WarmWorkspace } from "./workspace.js";

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;
/** Quiet time after the last keystroke before linting again. */
const DEBOUNCE_MS = 150;

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
 * published after each lint, so that fixing one file clears findings in another.
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
    return path !== undefined && workspace.contains(path) ? path : undefined;
  };
  const documents = new TextDocuments(TextDocument);
  let workspace = new WarmWorkspace(fallbackRoot);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let watching = false;

  connection.onInitialize((params) => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    const folderPath = folder ? filePath(folder) : undefined;
    if (folderPath) workspace = new WarmWorkspace(folderPath);
    else if (params.rootPath) workspace = new WarmWorkspace(params.rootPath);
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
    let result: LintResult;
    try {
      result = await workspace.lint();
    } catch (error) {
      connection.console.error(`meshlint: ${(error as Error).message}`);
      return;
    }
    const byFile = new Map<string, Diagnostic[]>();
    for (const d of result.diagnostics) {
      if (d.file === undefined) continue;
      const list = byFile.get(d.file);
      if (list) list.push(d);
      else byFile.set(d.file, [d]);
    }
    for (const doc of documents.all()) {
      const path = pathOf(doc.uri);
      if (path === undefined) continue;
      const file = workspace.display(path);
      await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: (byFile.get(file) ?? []).map((d) => toLsp(d, result.catalog)) });
    }
  };

  const toLsp = (d: Diagnostic, catalog: RuleCatalog): LspDiagnostic => {
    const url = docUrlOf(catalog, d.ruleId);
    const related = d.related.filter((r) => r.file !== undefined && r.span);
    return {
      range: rangeOf(d.span),
      severity: SEVERITY[d.severity],
      source: "meshlint",
      code: d.ruleId,
      ...(url ? { codeDescription: { href: url } } : {}),
      message: [d.message, d.help, d.codes.length ? `(${d.codes.join(", ")})` : ""].filter(Boolean).join("\n"),
      ...(related.length
        ? {
            relatedInformation: related.map((r) => ({
              location: { uri: pathToFileURL(workspace.absolute(r.file!)).href, range: rangeOf(r.span) },
              message: r.message,
            })),
          }
        : {}),
    };
  };

  documents.onDidOpen(({ document }) => {
    const path = pathOf(document.uri);
    if (path === undefined) return;
    workspace.setBuffer(path, document.getText());
    schedule(0);
  });
  documents.onDidChangeContent(({ document }) => {
    const path = pathOf(document.uri);
    if (path === undefined) return;
    workspace.setBuffer(path, document.getText());
    schedule(DEBOUNCE_MS);
  });
  documents.onDidClose(({ document }) => {
    const path = pathOf(document.uri);
    if (path === undefined) return;
    workspace.dropBuffer(path);
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    schedule(DEBOUNCE_MS);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) {
      const path = pathOf(change.uri);
      if (path !== undefined) workspace.fileChanged(path);
    }
    schedule(DEBOUNCE_MS);
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

/** 1-based line/column (UTF-16 code units, end exclusive) to the protocol's 0-based positions. */
function rangeOf(span: SourceSpan | undefined) {
  if (!span) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    start: { line: span.line - 1, character: span.column - 1 },
    end: { line: span.endLine - 1, character: span.endColumn - 1 },
  };
}
