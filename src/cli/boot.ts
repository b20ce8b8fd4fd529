import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { compileCached } from "../base/code-cache.js";
import { quickAnswer } from "./quick.js";

/** The digest of meshlint.cjs, set by scripts/build-cli.mjs: it names the bundle's code cache. */
declare const MESHLINT_BUNDLE_KEY: string;

/**
 * What bin/meshlint.js runs: `--version` and `--help` at once, anything else through the CLI bundle (dist/cli/
 * meshlint.cjs, one CommonJS file), compiled with V8's code cache from earlier runs (src/base/code-cache.ts), which
 * takes a third off a small run on Node 20, where Node caches no compiled code of its own.
 */
export function boot(): void {
  const answer = quickAnswer(process.argv.slice(2));
  if (answer !== undefined) {
    process.stdout.write(answer);
    return;
  }
  const file = join(dirname(fileURLToPath(import.meta.url)), "meshlint.cjs");
  // CommonJS's module wrapper, and an import() for the packages left out of the bundle (src/base/import-package.ts).
  const source = `(function (exports, require, module, __filename, __dirname, __meshlintImport) {${readFileSync(file, "utf8")}\n})`;
  const script = compileCached(source, file, { name: "cli", key: MESHLINT_BUNDLE_KEY });
  const module = { exports: {} as { main?: () => void } };
  const importPackage = (id: string): Promise<unknown> => import(id);
  (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, createRequire(file), module, file, dirname(file), importPackage);
  module.exports.main!();
}
