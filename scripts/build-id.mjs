// A build's identity for --cache (src/base/package.ts: BUILD): a digest of what a bundle runs, so that a cache made
// by another build of the same version is not reused. The bundles are built with BUILD_PLACEHOLDER in its place,
// which the build scripts replace with buildId(): a digest of the bundle and of the files it reads at run time.
import { createHash } from "node:crypto";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** What esbuild's `define` puts where src/base/package.ts reads MESHLINT_BUILD. */
export const BUILD_PLACEHOLDER = "@@meshlint-build@@";
export const BUILD_DEFINE = { MESHLINT_BUILD: JSON.stringify(BUILD_PLACEHOLDER) };

/** Every file under `path` (or `path` itself), in a stable order. */
function filesUnder(path) {
  if (!statSync(path, { throwIfNoEntry: false })) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => filesUnder(join(path, e.name)));
}

/** The digest of `texts` (the bundle, placeholder in place) and the files under `read` (relative to `root`). */
export function buildId(root, texts, read) {
  const hash = createHash("sha256");
  for (const text of texts) hash.update(`${text.length}:${text}`);
  for (const file of read.flatMap((p) => filesUnder(join(root, p)))) {
    const bytes = readFileSync(file);
    hash.update(`${relative(root, file)}:${bytes.length}:`);
    hash.update(bytes);
  }
  return hash.digest("hex").slice(0, 24);
}
