// Every regex literal of the code base is checked for super-linear backtracking (scslre: the analysis
// eslint-plugin-regexp uses), because the text they run on comes from manifests: /\s+$/ on a directive followed by
// 100,000 blanks took 21 s. A regex that only ever sees short, bounded text may be listed below, with the reason.
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { RegExpParser } from "@eslint-community/regexpp";
import { analyse } from "scslre";
import ts from "typescript";
import { describe, expect, it } from "vitest";
import { ROOT } from "./helpers/fixtures.js";

/** `file regex` of regexes that only run on bounded text, and why. */
const BOUNDED: Readonly<Record<string, string>> = {
  "src/report/sarif.ts /\\s*\\n\\s*/g": "whatItDoes() runs on meshlint's own rule documentation",
  "src/report/docs-url.ts /#.*$/": "runs on meshlint's own package.json",
  "src/cluster/kube-client.ts /\\/+$/": "runs on the kubeconfig's server address, written by the user",
  // Helm rendering (issue 14): these run per line of `helm template` output and of a chart's template files, which
  // only a helm binary turns into input; quadratic in the length of one line, not of the chart. To be made linear.
  "src/render/helm/build.ts /^# Source: (.+?)\\s*$/m": "one line of helm's output",
  "src/render/helm/template-position.ts /^(?:\"([^\"]+)\"|'([^']+)'|([^\\s:\"'{][^:]*?))\\s*:(\\s|$)/": "one line of a chart template",
  "src/render/helm/template-position.ts /^(?:\"[^\"]*\"|'[^']*'|[^:]+?)\\s*:\\s+(.*?)\\s*(#.*)?$/": "one line of a chart template",
  "src/render/kustomize/trace.ts /^(!?)([^=!]+?)(?:\\s*(==|=|!=)\\s*(.*))?$/": "one term of a kustomization's label selector",
  "src/schema/cel/engine.ts /0+$/": "trims the zeros of a number's fraction (at most 17 digits)",
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith(".ts") ? [path] : [];
  });
}

function regexLiterals(file: string): { text: string; line: number }[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
  const found: { text: string; line: number }[] = [];
  const visit = (node: ts.Node) => {
    if (node.kind === ts.SyntaxKind.RegularExpressionLiteral) {
      found.push({ text: node.getText(source), line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe("regular expressions", () => {
  it("none backtracks super-linearly on the text it reads (scslre)", () => {
    const parser = new RegExpParser();
    const slow: string[] = [];
    let checked = 0;
    for (const file of [...sourceFiles(join(ROOT, "src")), ...sourceFiles(join(ROOT, "rules"))]) {
      const shown = relative(ROOT, file).split("\\").join("/");
      for (const { text, line } of regexLiterals(file)) {
        checked++;
        if (BOUNDED[`${shown} ${text}`]) continue;
        const report = analyse(parser.parseLiteral(text), { reportTypes: { Move: true, Self: true, Trade: true } });
        for (const r of report.reports) slow.push(`${shown}:${line} ${r.type} ${text}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(slow).toEqual([]);
  });
});
