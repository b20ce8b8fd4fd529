import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { lint } from "../api.js";
import { buildBaseline, defaultBaselineFile, formatBaseline } from "../engine/baseline.js";
import { toPosix } from "../load/ignore-rules.js";
import { type CliIo, CliUsageError, EXIT } from "./io.js";
import { lintInvocation, parseLintArgs, saveCache } from "./lint-options.js";

export const BASELINE_HELP = `Usage: meshlint baseline [lint options] [paths...]

Lints as "meshlint" would, ignoring any existing baseline, and writes every finding's count by file and rule to
.meshlint-baseline.json beside the config file (or in the working folder without one). From then on, every lint
leaves those findings out while a file has no more of them than counted: only new findings are reported and fail.
Regenerate it after fixing findings so the counts shrink; --no-baseline shows everything.
`;

/** `meshlint baseline`: records the current findings so that only new ones are reported. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseLintArgs(argv);
  if (values.help) {
    io.write(BASELINE_HELP);
    return EXIT.ok;
  }
  if (values["output-file"]?.length) throw new CliUsageError("meshlint baseline writes .meshlint-baseline.json; --output-file does not apply");
  // A baseline records everything there is now; a change's new findings or a printed config would record nothing.
  for (const flag of ["changed-since", "staged", "print-config"] as const) {
    if (values[flag] !== undefined && values[flag] !== false) throw new CliUsageError(`meshlint baseline records every current finding; --${flag} does not apply`);
  }
  const { inputs, options } = await lintInvocation(values, positionals, io);
  const result = await lint(inputs, { ...options, baseline: false });
  saveCache(options, io);
  for (const input of result.unmatched) io.error(`meshlint: no such file, folder or glob match: ${input}\n`);
  if (result.unmatched.length) return EXIT.usage;
  const file = defaultBaselineFile(result.config);
  const baseline = buildBaseline(result.diagnostics, io.cwd, file);
  try {
    writeFileSync(file, formatBaseline(baseline));
  } catch (error) {
    throw new CliUsageError(`cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const counts = Object.values(baseline.files).flatMap((rules) => Object.values(rules));
  const total = counts.reduce((a, b) => a + b, 0);
  const files = Object.keys(baseline.files).length;
  io.write(
    `Wrote ${toPosix(relative(io.cwd, file)) || file}: ${total} finding${total === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}. ` +
      "Commit it: from now on only new findings are reported.\n",
  );
  return EXIT.ok;
}
