import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { rulesTable } from "../src/cli/list-rules.js";
import { builtinRules } from "../rules/index.js";
import { PACKAGE_ROOT } from "../src/base/package.js";

/** Regenerates the README's rules table from rule metadata (`npm run gen`); test/meta.test.ts checks it is current. */
const file = join(PACKAGE_ROOT, "README.md");
const readme = readFileSync(file, "utf8");
const start = "<!-- rules:start -->\n";
const end = "<!-- rules:end -->";
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from) throw new Error("README.md has no <!-- rules:start --> … <!-- rules:end --> section");
const next = readme.slice(0, from + start.length) + rulesTable(builtinRules()) + readme.slice(to);
if (next !== readme) writeFileSync(file, next);
