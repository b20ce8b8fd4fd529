#!/usr/bin/env node
// Stands in for `helm` in tests (no helm is installed where they run): `helm template RELEASE CHART [flags]` prints
// the real `helm template` output recorded for that chart in fixtures/repos/gitops-helm/recorded/, and appends what
// it was given (the arguments, and the text of each --values file) as a JSON line to the file HELM_STANDIN_LOG names.
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const args = process.argv.slice(2);
if (process.env.HELM_STANDIN_LOG) {
  const values = args.flatMap((a, i) => (a === "--values" && args[i + 1] ? [readFileSync(args[i + 1], "utf8")] : []));
  appendFileSync(process.env.HELM_STANDIN_LOG, `${JSON.stringify({ args, values })}\n`);
}
const [command, , chart] = args;
const recorded = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "fixtures", "repos", "gitops-helm", "recorded", `${basename(chart ?? "")}.helm-template.txt`);
if (command !== "template" || !chart || !existsSync(recorded)) {
  process.stderr.write(`Error: no recorded output for ${chart ?? "(no chart)"}\n`);
  process.exit(1);
}
process.stdout.write(readFileSync(recorded, "utf8"));
