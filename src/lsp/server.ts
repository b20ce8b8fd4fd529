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

const isFileUri = (uri: string) => uri.startsWith("file:");

/**
 * Serves meshlint over the Language Server Protocol on the given streams: the workspace is read once and kept
 * warm; YAML and JSON documents are linted as they are opened and changed (each lint covers the whole repository,
 * with the editor's unsaved text in place of the files on disk), and every open document's diagnostics are
 * published after each lint, so that fixing one file clears findings in another.
 */
export function serve(input: NodeJS.ReadableStream, output: NodeJS.WritableStream, fallbackRoot: string): Connection {
  const connection = createConnection(new StreamMessageReader(input), new StreamMessageWriter(output));
  const documents = new TextDocuments(TextDocument);
  let workspace = new WarmWorkspace(fallbackRoot);
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let watching = false;

  connection.onInitialize((params) => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri ?? undefined;
    if (folder && isFileUri(folder)) workspace = new WarmWorkspace(fileURLToPath(folder));
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
      running = running.then(lintAndPublish);
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
      if (!isFileUri(doc.uri)) continue;
      const file = workspace.display(fileURLToPath(doc.uri));
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
    if (!isFileUri(document.uri)) return;
    workspace.setBuffer(fileURLToPath(document.uri), document.getText());
    schedule(0);
  });
  documents.onDidChangeContent(({ document }) => {
    if (!isFileUri(document.uri)) return;
    workspace.setBuffer(fileURLToPath(document.uri), document.getText());
    schedule(DEBOUNCE_MS);
  });
  documents.onDidClose(({ document }) => {
    if (!isFileUri(document.uri)) return;
    workspace.dropBuffer(fileURLToPath(document.uri));
    void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    schedule(DEBOUNCE_MS);
  });
  connection.onDidChangeWatchedFiles(({ changes }) => {
    for (const change of changes) if (isFileUri(change.uri)) workspace.fileChanged(fileURLToPath(change.uri));
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
