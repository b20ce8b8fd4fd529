import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import { run } from "../src/cli/main.js";

// One measured run of the benchmark, in a fresh process: `meshlint DIR [CONFIG]` (the whole CLI, JSON output
// discarded) or `yaml DIR` (the bare parse the loader is compared with: every file through parseAllDocuments + toJS).
// Prints {"ms", "maxRssKb", ...} as its last line.

const [mode, dir, config] = process.argv.slice(2);
if (!dir || (mode !== "meshlint" && mode !== "yaml")) throw new Error("usage: bench-child meshlint|yaml DIR [CONFIG]");

const started = performance.now();
let extra: Record<string, number>;
if (mode === "yaml") {
  let documents = 0;
  for (const file of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!file.isFile() || !file.name.endsWith(".yaml")) continue;
    for (const doc of parseAllDocuments(readFileSync(join(file.parentPath, file.name), "utf8"), { version: "1.1" }) as ReturnType<typeof parseAllDocuments> & unknown[]) {
      (doc as { toJS(): unknown }).toJS();
      documents++;
    }
  }
  extra = { documents };
} else {
  let out = "";
  await run(["--format", "json", "--fail-on", "none", ...(config ? ["--config", config] : []), dir], {
    cwd: process.cwd(),
    env: {},
    stdoutIsTTY: false,
    write: (t) => (out += t),
    error: (t) => process.stderr.write(t),
    readStdin: async () => "",
  });
  const json = JSON.parse(out) as { summary: { resources: number }; diagnostics: unknown[] };
  extra = { resources: json.summary.resources, diagnostics: json.diagnostics.length };
}
const ms = performance.now() - started;
console.log(JSON.stringify({ ms: Math.round(ms), maxRssKb: process.resourceUsage().maxRSS, ...extra }));
