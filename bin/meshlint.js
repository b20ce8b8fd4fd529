#!/usr/bin/env node
import module from "node:module";

// Node 22.1+ can keep the compiled code of the modules it loads on disk between runs (@kubernetes/client-node, for
// --cluster and the webhook); meshlint's own bundle has its code cache on every Node (src/cli/boot.ts). Node 20 has
// no enableCompileCache, and the feature test keeps it running there.
if (typeof module.enableCompileCache === "function" && !process.env.NODE_DISABLE_COMPILE_CACHE) {
  try {
    module.enableCompileCache();
  } catch {
    // A read-only temporary folder: run without the cache.
  }
}

// A clone that was never built (npm ci builds it) has no bundle: say so, instead of Node's module-not-found trace.
let cli;
try {
  cli = await import("../dist/cli/boot.js");
} catch (error) {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes("dist/cli/boot.js")) throw error;
  process.stderr.write("meshlint is not built here (dist/cli/boot.js is missing): run `npm ci` or `npm run build` in meshlint's folder.\n");
  process.exit(2);
}
cli.boot();
