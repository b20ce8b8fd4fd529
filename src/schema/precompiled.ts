import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Options, ValidateFunction } from "ajv";
import equal from "ajv/dist/runtime/equal.js";
import ucs2length from "ajv/dist/runtime/ucs2length.js";
import uri from "ajv/dist/runtime/uri.js";
import validationError from "ajv/dist/runtime/validation_error.js";
import { compileCached } from "../base/code-cache.js";
import { PACKAGE_ROOT } from "../base/package.js";
import { re2Pattern } from "../base/re2.js";
import { KUBERNETES_FORMATS } from "./formats.js";

// Validators of the bundled CRD schemas, generated at build time (scripts/gen-validators.mjs) as ajv "standalone"
// code: compiling a schema with ajv is most of what a small run spends (a DestinationRule's schema becomes half a
// megabyte of code), while reading the generated code costs a few milliseconds. Schemas without one (the user's
// own CRDs, or a build without the folder, such as the Action's bundle) are compiled by ajv as before.

/**
 * The ajv options of every validator, compiled here or generated at build time. strictNumbers: `.inf`, `-.inf`, `.nan`
 * and numbers past float64 (`1e309`) are no integer or number to the apiserver (JSON cannot carry them; kubectl
 * refuses the manifest), though JavaScript's `Infinity % 1` lets them pass ajv's integer test.
 */
export const AJV_OPTIONS = { strict: false, strictNumbers: true, allErrors: true, verbose: true, logger: false, validateFormats: true } as const satisfies Options;

/** Where the build writes the generated validators, with index.json mapping schema digests to files. */
export const PRECOMPILED_DIR = join(PACKAGE_ROOT, "dist", "validators");

/**
 * ajv's runtime modules as CommonJS `require` gives them (generated code reads `.default`): a default import is
 * the whole `module.exports` under Node and esbuild, but the `default` export alone under Vite (the tests).
 */
const asRequired = (imported: unknown): unknown => ((imported as { __esModule?: boolean }).__esModule ? imported : { default: imported });

/** What generated code may `require`: ajv's runtime helpers, and the format checks (KUBERNETES_FORMATS). */
const RUNTIME: Readonly<Record<string, unknown>> = {
  "ajv/dist/runtime/equal": asRequired(equal),
  "ajv/dist/runtime/ucs2length": asRequired(ucs2length),
  "ajv/dist/runtime/uri": asRequired(uri),
  "ajv/dist/runtime/validation_error": asRequired(validationError),
  "meshlint:formats": KUBERNETES_FORMATS,
};
export const RUNTIME_IDS: readonly string[] = Object.keys(RUNTIME);

function runtimeRequire(id: string): unknown {
  if (!(id in RUNTIME)) throw new Error(`a generated validator needs "${id}", which meshlint does not provide`);
  return RUNTIME[id];
}

/** A generated file evaluates to this: the engine for CRD patterns comes in as `re2Pattern` (its `code`). */
type Factory = (require: (id: string) => unknown, pattern: typeof re2Pattern) => ValidateFunction;

/** The digest a schema's generated validator is filed under. */
export const schemaDigest = (schema: unknown): string => createHash("sha256").update(JSON.stringify(schema)).digest("hex");

let files: ReadonlyMap<string, string> | undefined;
/** The build's key of the generated files (their generator's inputs), naming their code caches. */
let buildKey = "";

/** The generated validator of a schema, or undefined when the build made none for it. */
export function precompiledValidator(schema: unknown): ValidateFunction | undefined {
  if (!files) {
    try {
      const index = JSON.parse(readFileSync(join(PRECOMPILED_DIR, "index.json"), "utf8")) as { key: string; files: Record<string, string> };
      files = new Map(Object.entries(index.files));
      buildKey = index.key;
    } catch {
      files = new Map();
    }
  }
  if (files.size === 0) return undefined;
  const file = files.get(schemaDigest(schema));
  if (!file) return undefined;
  const path = join(PRECOMPILED_DIR, file);
  try {
    // Compiling a validator costs ten times more than running it on a small repository: V8's code cache saves that.
    const script = compileCached(readFileSync(path, "utf8"), path, { name: `validator-${file.replace(/\.js$/, "")}`, key: `${buildKey}:${file}` });
    const factory = script.runInThisContext() as Factory;
    return factory(runtimeRequire, re2Pattern);
  } catch {
    // A damaged or missing file: ajv compiles the schema instead.
    return undefined;
  }
}

/** The text of a generated file, from ajv's standalone module code: a factory expression (see Factory). */
export function factorySource(standalone: string): string {
  const m = /^"use strict";module\.exports = (\w+);module\.exports\.default = \w+;/.exec(standalone);
  if (!m) throw new Error("ajv's standalone code does not start as expected");
  for (const [, id] of standalone.matchAll(/require\("([^"]+)"\)/g)) {
    if (!RUNTIME_IDS.includes(id!)) throw new Error(`generated code requires "${id}", which RUNTIME does not provide`);
  }
  return `(function (require, re2Pattern) {"use strict";${standalone.slice(m[0].length)};return ${m[1]};})`;
}
