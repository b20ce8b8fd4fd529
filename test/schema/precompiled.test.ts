// The validators generated at build time (dist/validators, scripts/gen-validators.mjs) must judge exactly as ajv
// compiling the same schema at run time: same verdict, same errors (with verbose's schema and data), on every
// object of the rule fixtures and the demo.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { Ajv } from "ajv";
import { describe, expect, it } from "vitest";
import { re2Pattern } from "../../src/base/re2.js";
import { load } from "../../src/load/load.js";
import { BUNDLE_FILES, type BundleKey, bundle } from "../../src/schema/bundles.js";
import { METADATA_SCHEMA } from "../../src/schema/convert.js";
import { KUBERNETES_FORMATS } from "../../src/schema/formats.js";
import { AJV_OPTIONS, PRECOMPILED_DIR, precompiledValidator } from "../../src/schema/precompiled.js";
import { ROOT } from "../helpers/fixtures.js";

const built = existsSync(join(PRECOMPILED_DIR, "index.json"));

describe.runIf(built)("validators generated at build time", () => {
  it("give the verdicts and errors ajv gives when it compiles the schema itself", async () => {
    const ajv = new Ajv({ ...AJV_OPTIONS, code: { regExp: re2Pattern } });
    for (const [name, check] of Object.entries(KUBERNETES_FORMATS)) ajv.addFormat(name, check);
    const schemas = new Map<string, object>();
    for (const key of Object.keys(BUNDLE_FILES) as BundleKey[]) {
      for (const crd of bundle(key).crds) for (const v of crd.versions) if (v.schema) schemas.set(`${crd.group}/${v.name}/${crd.kind}`, v.schema);
    }
    const loaded = await load([join(ROOT, "fixtures", "rules"), join(ROOT, "fixtures", "demo")], { cwd: ROOT });
    let compared = 0;
    const seen = new Map<object, [ReturnType<typeof ajv.compile>, NonNullable<ReturnType<typeof precompiledValidator>>]>();
    // Objects of unreadable documents are never validated (their data only names them).
    for (const r of loaded.resources.filter((x) => x.origin.kind === "file")) {
      const schema = schemas.get(`${r.apiVersion.includes("/") ? r.apiVersion : `/${r.apiVersion}`}/${r.kind}`) ?? METADATA_SCHEMA;
      let pair = seen.get(schema);
      if (!pair) {
        const generated = precompiledValidator(schema);
        expect(generated, `${r.apiVersion} ${r.kind} has a generated validator`).toBeDefined();
        pair = [ajv.compile(schema), generated!];
        seen.set(schema, pair);
      }
      const [compiled, generated] = pair;
      const data = structuredClone(r.data);
      const verdict = compiled(data);
      expect(generated(data), `${r.origin.file}: ${r.kind}`).toBe(verdict);
      expect(JSON.stringify(generated.errors), `${r.origin.file}: ${r.kind}`).toBe(JSON.stringify(compiled.errors));
      compared++;
    }
    expect(compared).toBeGreaterThan(500);
    expect(seen.size).toBeGreaterThan(10);
  }, 300_000);
});

describe.skipIf(built)("validators generated at build time", () => {
  it.skip("are checked after `npm run build` (dist/validators is missing)", () => {});
});
