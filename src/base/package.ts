import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The folder holding meshlint's package.json, whether running from src/ (tests) or dist/src/ (built). */
export const PACKAGE_ROOT: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === "meshlint") return dir;
    dir = dirname(dir);
  }
  return process.cwd();
})();

export const VERSION: string = (() => {
  try {
    return String(JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")).version);
  } catch {
    return "0.0.0";
  }
})();

declare const MESHLINT_BUILD: string | undefined;

/**
 * Which build of meshlint runs: a digest of the bundle and the files it reads (scripts/build-id.mjs), so that a
 * cache made by another build of the same version is not reused; `source` when running unbundled (tests, tsc output).
 */
export const BUILD: string = typeof MESHLINT_BUILD === "string" ? MESHLINT_BUILD : "source";
