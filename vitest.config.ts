import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // The CLI tests spawn the built bin a few times; the default 5 s is tight on a loaded 2-core machine.
    testTimeout: 30_000,
  },
});
