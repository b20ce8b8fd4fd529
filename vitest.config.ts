import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Test files share their worker's module cache: the rule catalog, the CRD bundles and the compiled validators
    // load once per worker, not once per file (imports were most of a run's time). src/ keeps only caches in module
    // state, and the helpers in test/helpers register their clean-up per test, so sharing changes no result.
    isolate: false,
    // The CLI tests spawn the built bin a few times; the default 5 s is tight on a loaded 2-core machine.
    testTimeout: 30_000,
  },
});
