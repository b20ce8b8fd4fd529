import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { onTestFinished } from "vitest";

/**
 * A throwaway folder holding the given files (path -> text or bytes), removed when the calling test finishes. The
 * clean-up is registered per call, not per module: test files share one module cache (vitest.config.ts).
 */
export function tempRepo(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), "meshlint-test-"));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}
