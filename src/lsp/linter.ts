import { pathToFileURL } from "node:url";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic } from "vscode-languageserver/node";
import type { Diagnostic } from "../engine/diagnostic.js";
import type { RuleCatalog } from "../engine/catalog.js";
import type { SourceSpan } from "../model/resource.js";
import { docUrlOf } from "../report/docs-url.js";
import { WarmWorkspace, type WorkspaceFolder } from "./workspace.js";

/** A lint's answer for the files asked about (displayed paths), or why it stopped before answering. */
export type LintOutcome =
  | { readonly kind: "done"; readonly byFile: ReadonlyMap<string, readonly LspDiagnostic[]> }
  | { readonly kind: "stopped"; readonly reason: string };

/** What the server asks of whatever lints its workspace: in this thread, or in a worker it can stop. */
export interface DocumentLinter {
  readonly folder: WorkspaceFolder;
  setBuffer(path: string, text: string): void;
  dropBuffer(path: string): void;
  fileChanged(path: string): void;
  /** Lints the workspace and answers with the diagnostics of the given files (displayed paths). */
  lint(files: readonly string[]): Promise<LintOutcome>;
  dispose(): Promise<void>;
}

const SEVERITY = { error: DiagnosticSeverity.Error, warning: DiagnosticSeverity.Warning, info: DiagnosticSeverity.Information } as const;

/** Lints in the calling thread: the worker's engine, and the server's when no worker script is at hand. */
export class InThreadLinter implements DocumentLinter {
  readonly workspace: WarmWorkspace;

  constructor(root: string) {
    this.workspace = new WarmWorkspace(root);
  }

  get folder(): WorkspaceFolder {
    return this.workspace;
  }

  setBuffer(path: string, text: string): void {
    this.workspace.setBuffer(path, text);
  }

  dropBuffer(path: string): void {
    this.workspace.dropBuffer(path);
  }

  fileChanged(path: string): void {
    this.workspace.fileChanged(path);
  }

  async lint(files: readonly string[]): Promise<LintOutcome> {
    const result = await this.workspace.lint();
    const wanted = new Set(files);
    const byFile = new Map<string, LspDiagnostic[]>(files.map((f) => [f, []]));
    for (const d of result.diagnostics) {
      if (d.file !== undefined && wanted.has(d.file)) byFile.get(d.file)!.push(this.toLsp(d, result.catalog));
    }
    return { kind: "done", byFile };
  }

  async dispose(): Promise<void> {}

  private toLsp(d: Diagnostic, catalog: RuleCatalog): LspDiagnostic {
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
              location: { uri: pathToFileURL(this.workspace.absolute(r.file!)).href, range: rangeOf(r.span) },
              message: r.message,
            })),
          }
        : {}),
    };
  }
}

/** 1-based line/column (UTF-16 code units, end exclusive) to the protocol's 0-based positions. */
function rangeOf(span: SourceSpan | undefined) {
  if (!span) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return {
    start: { line: span.line - 1, character: span.column - 1 },
    end: { line: span.endLine - 1, character: span.endColumn - 1 },
  };
}
