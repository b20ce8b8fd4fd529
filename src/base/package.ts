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
