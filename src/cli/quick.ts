import { VERSION } from "../base/package.js";
import { HELP } from "./help.js";

/**
 * The answer to `meshlint --version` or `meshlint --help` alone, given without loading the linter (most of a run's
 * start-up); undefined for any other command line, these flags among others included, which goes the full way.
 */
export function quickAnswer(argv: readonly string[]): string | undefined {
  if (argv.length !== 1) return undefined;
  const flag = argv[0];
  if (flag === "--version" || flag === "-v") return `${VERSION}\n`;
  if (flag === "--help" || flag === "-h") return HELP;
  return undefined;
}
