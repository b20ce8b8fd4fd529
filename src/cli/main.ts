import type { CliIo } from "./io.js";
import { COMMANDS } from "./commands.js";
import { CliUsageError, EXIT } from "./io.js";
import { HELP } from "./help.js";
import { VERSION } from "../base/package.js";

export { type CliIo, EXIT } from "./io.js";

/** Runs the CLI; returns the exit code (0 clean, 1 findings at or above --fail-on, 2 usage or internal error). */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await runUnsafe(argv, io);
  } catch (error) {
    // Thrown only once the lint code is loaded, so importing its error class here costs nothing more.
    const { UsageError } = await import("../project/settings.js");
    if (error instanceof CliUsageError || error instanceof UsageError) {
      io.error(`meshlint: ${error.message}\nRun "meshlint --help" for usage.\n`);
      return EXIT.usage;
    }
    const detail = io.env.MESHLINT_DEBUG ? String((error as Error).stack ?? error) : String((error as Error).message ?? error);
    io.error(`meshlint: internal error: ${detail}\nPlease report this at https://github.com/meshlint/meshlint/issues.\n`);
    return EXIT.usage;
  }
}

/**
 * `meshlint --version` and `meshlint --help` alone are answered without loading the linter (a few tenths of a
 * second of module loading); any other command line, these flags among others included, goes the full way.
 */
const ANSWERED_AT_ONCE: Readonly<Record<string, () => string>> = {
  "--version": () => `${VERSION}\n`,
  "-v": () => `${VERSION}\n`,
  "--help": () => HELP,
  "-h": () => HELP,
};

async function runUnsafe(argv: readonly string[], io: CliIo): Promise<number> {
  const answer = argv.length === 1 ? ANSWERED_AT_ONCE[argv[0]!] : undefined;
  if (answer) {
    io.write(answer());
    return EXIT.ok;
  }
  const command = argv[0] !== undefined ? COMMANDS[argv[0]] : undefined;
  if (command) return (await command()).run(argv.slice(1), io);
  const { runLint } = await import("./lint.js");
  return runLint(argv, io);
}
