#!/usr/bin/env node
// Bundles the CLI (src/cli/entry.ts) into dist/cli/, the code bin/meshlint.js runs. Loading some 600 modules one by
// one was most of a small run's start-up; one bundle loads in a fraction of that. Commands and modes that not every
// run needs stay chunks of their own, loaded when used: the language server, the webhook, `access`, `baseline`.
// @kubernetes/client-node (--cluster, webhook) is left in node_modules: it is large and loaded only in those modes.
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { build } from "esbuild";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = join(root, "dist", "cli");
// --list-rules and explain read the rules' metadata from the bundle, so that they load none of the rules' code; it
// is taken from tsc's output of the same sources, just built.
const { RULES } = await import(pathToFileURL(join(root, "dist", "rules", "index.js")).href);

rmSync(outdir, { recursive: true, force: true });
mkdirSync(outdir, { recursive: true });
await build({
  absWorkingDir: root,
  // The language server's lint thread is an entry of its own: a Worker needs a file to start, and
  // src/lsp/worker-linter.ts looks for it at dist/cli/lint-worker.js.
  entryPoints: { entry: "src/cli/entry.ts", "lint-worker": "src/lsp/lint-worker.ts" },
  bundle: true,
  splitting: true,
  outdir,
  chunkNames: "chunks/[name]-[hash]",
  platform: "node",
  target: "node20",
  format: "esm",
  external: ["@kubernetes/client-node"],
  define: { MESHLINT_RULE_METADATA: JSON.stringify(RULES.map((rule) => rule.meta)) },
  // Bundled CommonJS modules call require() for Node's own modules.
  banner: { js: 'import { createRequire as __meshlintCreateRequire } from "node:module";\nconst require = __meshlintCreateRequire(import.meta.url);' },
  legalComments: "none",
  charset: "utf8",
  logLevel: "warning",
});
