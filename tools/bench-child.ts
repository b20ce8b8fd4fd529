import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";

// The floor meshlint is compared with: a bare `yaml` parse of every file of a folder (parseAllDocuments with
// YAML 1.1, as Kubernetes reads manifests, then toJS), in a fresh process. Usage: bench-child DIR

const dir = process.argv[2];
if (!dir) throw new Error("usage: bench-child DIR");
let documents = 0;
for (const file of readdirSync(dir, { recursive: true, withFileTypes: true })) {
  if (!file.isFile() || !file.name.endsWith(".yaml")) continue;
  for (const doc of parseAllDocuments(readFileSync(join(file.parentPath, file.name), "utf8"), { version: "1.1" }) as unknown as { toJS(): unknown }[]) {
    doc.toJS();
    documents++;
  }
}
console.log(JSON.stringify({ documents }));
