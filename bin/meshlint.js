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
const { main } = await import("../dist/cli/entry.js");
main();
