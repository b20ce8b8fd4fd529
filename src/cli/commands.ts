import type { CliIo } from "./io.js";

/**
 * Subcommands besides linting (`meshlint <name> ...`), loaded on demand. Each module exports
 * `run(argv, io): Promise<number>` returning the exit code.
 */
export const COMMANDS: Readonly<Record<string, () => Promise<{ run(argv: readonly string[], io: CliIo): Promise<number> }>>> = {
  access: () => import("./access.js"),
  baseline: () => import("./baseline.js"),
  lsp: () => import("./lsp.js"),
  webhook: () => import("./webhook.js"),
};
