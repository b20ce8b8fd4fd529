import type { Diagnostic } from "../engine/diagnostic.js";
import type { RuleCatalog } from "../engine/catalog.js";
import { docUrlOf } from "./docs-url.js";
import { logicalWhere, oneLine } from "./locations.js";
import type { Reporter } from "./reporter.js";
import { xml, xmlText } from "./xml.js";

/**
 * JUnit XML, as CI systems (GitLab, Jenkins, Azure Pipelines, CircleCI) read it: one test suite per linted file,
 * one test case per finding (errors and warnings fail; infos pass with the finding as output), and a passing
 * `meshlint` case for a file without findings. Findings about no file go in a suite named `meshlint`.
 */
export const junit: Reporter = (result, env) => {
  const byFile = new Map<string, Diagnostic[]>();
  for (const f of result.files) byFile.set(f.file, []);
  const elsewhere: Diagnostic[] = [];
  for (const d of result.diagnostics) {
    const list = d.file !== undefined ? byFile.get(d.file) : undefined;
    if (list) list.push(d);
    else if (d.file !== undefined) byFile.set(d.file, [d]);
    else elsewhere.push(d);
  }
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  const suite = (name: string, diagnostics: readonly Diagnostic[], skipped: boolean) => {
    const cases = diagnostics.length
      ? diagnostics.map((d) => testCase(d, env.catalog))
      : [`    <testcase name="meshlint" classname="${xml(name)}" time="0">${skipped ? "<skipped/>" : ""}</testcase>`];
    const failed = diagnostics.filter((d) => d.severity !== "info").length;
    tests += cases.length;
    failures += failed;
    suites.push(
      `  <testsuite name="${xml(name)}" tests="${cases.length}" failures="${failed}" errors="0" skipped="${skipped && !diagnostics.length ? 1 : 0}" time="0">`,
      ...cases,
      "  </testsuite>",
    );
  };
  const status = new Map(result.files.map((f) => [f.file, f.status]));
  for (const [file, diagnostics] of byFile) suite(file, diagnostics, status.get(file) === "skipped");
  if (elsewhere.length) suite("meshlint", elsewhere, false);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="meshlint" tests="${tests}" failures="${failures}" errors="0" time="0">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
};

function testCase(d: Diagnostic, catalog: RuleCatalog): string {
  const where = d.file !== undefined ? `${oneLine(d.file)}${d.span ? `:${d.span.line}:${d.span.column}` : ""}` : (logicalWhere(d) ?? "meshlint");
  const name = `${d.ruleId}${d.span ? ` at ${d.span.line}:${d.span.column}` : ""}`;
  const url = docUrlOf(catalog, d.ruleId);
  const body = [
    `${d.severity} at ${where}`,
    oneLine(d.message),
    d.help ? `help: ${oneLine(d.help)}` : "",
    d.codes.length ? `codes: ${d.codes.join(", ")}` : "",
    url ? `docs: ${url}` : "",
  ]
    .filter(Boolean)
    .join("\n");
  const attrs = `name="${xml(name)}" classname="${xml(d.file ?? "meshlint")}"${d.file !== undefined ? ` file="${xml(d.file)}"` : ""}${d.span ? ` line="${d.span.line}"` : ""} time="0"`;
  if (d.severity === "info") return `    <testcase ${attrs}><system-out>${xmlText(body)}</system-out></testcase>`;
  return `    <testcase ${attrs}><failure type="${d.severity}" message="${xml(oneLine(d.message))}">${xmlText(body)}</failure></testcase>`;
}
