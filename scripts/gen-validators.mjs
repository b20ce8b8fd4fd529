#!/usr/bin/env node
// Generates the validators of the bundled CRD schemas into dist/validators/ (see src/schema/precompiled.ts), after
// tsc. Schemas shared by several versions or bundles are generated once. The folder is left as it is when neither the
// schemas, ajv's version nor the options changed, so that `npm test`'s build does not pay the generation each time.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, _ } from "ajv";
import standaloneCode from "ajv/dist/standalone/index.js";
import { AJV_OPTIONS, PRECOMPILED_DIR, factorySource, schemaDigest } from "../dist/src/schema/precompiled.js";
import { BUNDLE_FILES, bundle } from "../dist/src/schema/bundles.js";
import { METADATA_SCHEMA } from "../dist/src/schema/convert.js";
import { KUBERNETES_FORMATS } from "../dist/src/schema/formats.js";
import { re2Pattern } from "../dist/src/base/re2.js";

const ajvVersion = createRequire(import.meta.url)("ajv/package.json").version;
const schemas = new Map([[schemaDigest(METADATA_SCHEMA), METADATA_SCHEMA]]);
for (const key of Object.keys(BUNDLE_FILES)) {
  for (const crd of bundle(key).crds) for (const v of crd.versions) if (v.schema) schemas.set(schemaDigest(v.schema), v.schema);
}
const here = fileURLToPath(import.meta.url);
const generator = readFileSync(here, "utf8") + readFileSync(join(dirname(here), "..", "dist", "src", "schema", "precompiled.js"), "utf8");
const key = schemaDigest([ajvVersion, AJV_OPTIONS, Object.keys(KUBERNETES_FORMATS), [...schemas.keys()].sort(), generator]);
const indexFile = join(PRECOMPILED_DIR, "index.json");
try {
  if (JSON.parse(readFileSync(indexFile, "utf8")).key === key) process.exit(0);
} catch {
  // none yet
}

rmSync(PRECOMPILED_DIR, { recursive: true, force: true });
mkdirSync(PRECOMPILED_DIR, { recursive: true });
const ajv = new Ajv({ ...AJV_OPTIONS, code: { source: true, formats: _`require("meshlint:formats")`, regExp: re2Pattern } });
for (const [name, check] of Object.entries(KUBERNETES_FORMATS)) ajv.addFormat(name, check);
const files = {};
for (const [digest, schema] of schemas) {
  const file = `${digest.slice(0, 24)}.js`;
  writeFileSync(join(PRECOMPILED_DIR, file), factorySource(standaloneCode(ajv, ajv.compile(schema))));
  files[digest] = file;
  ajv.removeSchema(schema);
}
// Written last: a build stopped half-way leaves no index, and so no validators are used.
writeFileSync(indexFile, JSON.stringify({ key, files }));
console.log(`generated ${schemas.size} validators in dist/validators`);
