#!/usr/bin/env node
// Bundles the CLI into dist/cli/, which bin/meshlint.js runs:
// - meshlint.cjs: the whole CLI (src/cli/entry.ts) as one CommonJS file. Loading some 600 modules one by one was most
//   of a small run's start-up. It is CommonJS so that src/cli/boot.ts can compile it as a vm.Script with V8's code
//   cache from earlier runs (Node 20 caches no compiled ES module). Commands and modes that not every run needs (the
//   language server, the webhook, `access`, `baseline`) are in the file but run their top-level code only when used.
// - boot.js: what bin/meshlint.js imports: `--version` and `--help` alone, or meshlint.cjs through the code cache.
// - lint-worker.js: the language server's lint thread (a Worker needs a file to start; src/lsp/worker-linter.ts
//   looks for it beside the bundle).
// @kubernetes/client-node (--cluster, webhook) is left in node_modules: it is large and loaded only in those modes.
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";
import { BUILD_DEFINE, BUILD_PLACEHOLDER, buildId } from "./build-id.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "cli");
// --list-rules and explain read the rules' metadata from the bundle, so that they load none of the rules' code; it
// is taken from tsc's output of the same sources, just built.
const { RULES } = await import(pathToFileURL(join(root, "dist", "rules", "index.js")).href);

const common = {
  absWorkingDir: root,
  bundle: true,
  platform: "node",
  target: "node20",
  external: ["@kubernetes/client-node"],
  legalComments: "none",
  // Non-ASCII characters escaped: an ASCII file is decoded ten times faster, and V8 keeps it in one byte per character.
  charset: "ascii",
  logLevel: "warning",
};
// Bundled CommonJS modules call require() for Node's own modules.
const esm = {
  ...common,
  format: "esm",
  banner: { js: 'import { createRequire as __meshlintCreateRequire } from "node:module";\nconst require = __meshlintCreateRequire(import.meta.url);' },
};

// Built beside dist/cli and moved in file by file (a rename replaces a file at once): a meshlint started while the
// project rebuilds (an editor, a hook, a second terminal) runs the old build or the new one, never a missing or
// half-written file ("meshlint is not built here" came from emptying dist/cli first).
const staging = join(root, "dist", `cli.next-${process.pid}`);
rmSync(staging, { recursive: true, force: true });
mkdirSync(staging, { recursive: true });
const bundle = join(staging, "meshlint.cjs");
await build({
  ...common,
  entryPoints: ["src/cli/entry.ts"],
  outfile: bundle,
  format: "cjs",
  // The sources find their package (src/base/package.ts) and the lint thread from import.meta.url.
  define: { MESHLINT_RULE_METADATA: JSON.stringify(RULES.map((rule) => rule.meta)), "import.meta.url": "__meshlintModuleUrl", ...BUILD_DEFINE },
  banner: { js: 'const __meshlintModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
// esbuild escapes non-ASCII characters in code but keeps a few comments as they are: escape those too (a comment
// means nothing to the program), so that the whole file is ASCII.
const ascii = readFileSync(bundle, "utf8").replace(/[^\0-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
// The build's identity (--cache) covers the bundle and what it reads at run time: the schemas and their validators.
const text = ascii.split(BUILD_PLACEHOLDER).join(buildId(root, [ascii], ["schemas", "dist/validators/index.json"]));
writeFileSync(bundle, text);
const key = createHash("sha256").update(text).digest("hex");
await build({ ...esm, entryPoints: ["src/cli/boot.ts"], outfile: join(staging, "boot.js"), define: { MESHLINT_BUNDLE_KEY: JSON.stringify(key) } });
await build({ ...esm, entryPoints: ["src/lsp/lint-worker.ts"], outfile: join(staging, "lint-worker.js") });
// boot.js last: it is what starts a run, and it names the bundle's code-cache key.
const built = ["meshlint.cjs", "lint-worker.js", "boot.js"];
mkdirSync(outdir, { recursive: true });
for (const file of built) renameSync(join(staging, file), join(outdir, file));
for (const file of readdirSync(outdir)) if (!built.includes(file)) rmSync(join(outdir, file), { recursive: true, force: true });
rmSync(staging, { recursive: true, force: true });
