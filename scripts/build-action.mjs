#!/usr/bin/env node
// Bundles the GitHub Action (src/action/index.ts) with its dependencies into dist-action/index.js, the file
// action.yml runs: the runner installs no node_modules, so the bundle is committed, as in GitHub's TypeScript
// action template. `--check` rebuilds in memory and fails when the committed bundle differs (run in CI).
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { BUILD_DEFINE, BUILD_PLACEHOLDER, buildId } from "./build-id.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outfile = join(root, "dist-action", "index.js");

const result = await build({
  absWorkingDir: root,
  entryPoints: ["src/action/index.ts"],
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  // Bundled CommonJS modules call require() for Node's own modules.
  banner: { js: 'import { createRequire as __meshlintCreateRequire } from "node:module";\nconst require = __meshlintCreateRequire(import.meta.url);' },
  legalComments: "eof",
  charset: "utf8",
  define: BUILD_DEFINE,
  write: false,
  logLevel: "warning",
});
const bundled = result.outputFiles[0].text;
// The build's identity (for the `cache` input) covers the bundle and the schemas it reads from the action's checkout.
const text = bundled.split(BUILD_PLACEHOLDER).join(buildId(root, [bundled], ["schemas"]));

if (process.argv.includes("--check")) {
  let committed = "";
  try {
    committed = readFileSync(outfile, "utf8");
  } catch {
    // missing: reported below
  }
  if (committed !== text) {
    console.error("dist-action/index.js is not the bundle of the current sources: run `npm run build:action` and commit it.");
    process.exit(1);
  }
  console.log("dist-action/index.js is current.");
} else {
  mkdirSync(dirname(outfile), { recursive: true });
  writeFileSync(outfile, text);
  console.log(`wrote dist-action/index.js (${(text.length / 1024).toFixed(0)} KiB)`);
}
