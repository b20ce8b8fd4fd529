#!/usr/bin/env node
import module from "node:module";

// Node 22.1+ can keep the compiled code of meshlint's modules on disk between runs (a large part of start-up);
// Node 20 has no such cache, and the feature test keeps it running there.
if (typeof module.enableCompileCache === "function" && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  try {
    module.enableCompileCache();
  } catch {
    // A read-only temporary folder: run without the cache.
  }
}

// The bundle of the CLI (scripts/build-cli.mjs): one file to load instead of hundreds of modules.
// A clone that was never built (npm ci builds it) has no bundle: say so, instead of Node's module-not-found trace.
let cli;
try {
  cli = await import("../dist/cli/entry.js");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist/cli/entry.js")) throw error;
  process.stderr.write("meshlint is not built here (dist/cli/entry.js is missing): run `npm ci` or `npm run build` in meshlint's folder.\n");
  process.exit(2);
}
cli.main();
