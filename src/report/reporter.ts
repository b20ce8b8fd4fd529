import type { LintResult } from "../api.js";
import type { RuleCatalog } from "../engine/catalog.js";

export interface ReportEnv {
  readonly catalog: RuleCatalog;
  readonly version: string;
  /** Whether to use ANSI colours (decided by the front end, never read from the process here). */
  readonly color: boolean;
  /** The folder displayed paths are relative to (SARIF records it so code scanning can resolve them). */
  readonly cwd?: string;
  /** The run failed (exit 2: a path that names nothing, an internal error, nothing read): no success mark is shown. */
  readonly failed?: boolean;
}

/** A reporter is a pure function from a lint result to text. */
export type Reporter = (result: LintResult, env: ReportEnv) => string;
