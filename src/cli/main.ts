import type { CliIo } from "./io.js";
import { COMMANDS } from "./commands.js";
import { CliUsageError, EXIT } from "./io.js";
import { quickAnswer } from "./quick.js";

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

async function runUnsafe(argv: readonly string[], io: CliIo): Promise<number> {
  const answer = quickAnswer(argv);
  if (answer !== undefined) {
    io.write(answer);
    return EXIT.ok;
  }
  const command = argv[0] !== undefined ? COMMANDS[argv[0]] : undefined;
  if (command) return (await command()).run(argv.slice(1), io);
  const { runLint } = await import("./lint.js");
  return runLint(argv, io);
}
