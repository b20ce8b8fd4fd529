import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { Diagnostic } from "../../src/engine/diagnostic.js";
import { builtinRules } from "../../rules/index.js";
import { repositoryUrl, ruleDocUrl } from "../../src/report/docs-url.js";
import { annotationOf, escapeData, escapeProperty, formatCommand } from "../../src/report/github.js";
import { tempRepo } from "../helpers/temp-repo.js";
import { SERVICE_YAML, cli, routeYaml } from "./world.js";

const DOC = /https:\/\/github\.com\/meshlint\/meshlint\/blob\/main\/rules\/istio\/virtualservice-subset-not-found\.md/;

const world = () => tempRepo({ "mesh/service.yaml": SERVICE_YAML, "mesh/vs.yaml": routeYaml("v2") });

describe("rule documentation addresses", () => {
  it("come from package.json's repository, in npm's spellings", () => {
    expect(repositoryUrl({ repository: { type: "git", url: "git+https://github.com/o/r.git" } })).toBe("https://github.com/o/r");
    expect(repositoryUrl({ repository: "github:o/r" })).toBe("https://github.com/o/r");
    expect(repositoryUrl({ repository: "o/r" })).toBe("https://github.com/o/r");
    expect(repositoryUrl({ repository: "git@gitlab.com:o/r.git" })).toBe("https://gitlab.com/o/r");
    expect(repositoryUrl({ homepage: "https://example.com/meshlint#readme" })).toBe("https://example.com/meshlint");
    expect(ruleDocUrl({ id: "x-unused", area: "istio" })).toMatch(/\/blob\/main\/rules\/istio\/x-unused\.md$/);
  });

  it("are in every format that has room for them", async () => {
    const dir = world();
    for (const format of ["stylish", "json", "sarif", "github", "junit", "checkstyle"]) {
      expect((await cli(["-f", format, "."], dir)).out, format).toMatch(DOC);
    }
  });
});

describe("github workflow commands", () => {
  it("escape %, CR and LF in data, and also : and , in properties", () => {
    expect(escapeData("100% done\r\nnext")).toBe("100%25 done%0D%0Anext");
    expect(escapeProperty("a:b,c%\n")).toBe("a%3Ab%2Cc%25%0A");
  });

  it("one command per finding, title = rule id, with the range and an escaped message", async () => {
    const { out, code } = await cli(["-f", "github", "."], world());
    expect(code).toBe(1);
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(
      /^::error title=virtualservice-subset-not-found,file=mesh\/vs\.yaml,line=8,endLine=8,col=45,endColumn=47::Subset "v2" is not defined.*%0A.*IST0101, KIA1107/,
    );
    expect(lines[0]).not.toMatch(/\n|\r/);
    expect(lines.at(-1)).toMatch(/^\d+ resources? in 2 files/);
  });

  it("a file name with a comma or colon, a message with a newline, and a finding without a file", () => {
    const d: Diagnostic = {
      ruleId: "virtualservice-subset-not-found",
      messageId: "x",
      severity: "info",
      message: "first\nsecond, 50%",
      codes: [],
      path: ["spec", "hosts", 0],
      file: "a,b:c.yaml",
      span: { file: "a,b:c.yaml", start: 0, end: 1, line: 2, column: 3, endLine: 4, endColumn: 5 },
      related: [],
      fingerprint: "0",
    };
    const command = formatCommand(annotationOf(d, builtinRules()));
    expect(command).toMatch(/^::notice title=virtualservice-subset-not-found,file=a%2Cb%3Ac\.yaml,line=2,endLine=4::first%0Asecond, 50%25%0A/);
    const noFile: Diagnostic = { ...d, resource: { apiVersion: "v1", kind: "Service", namespace: "shop", name: "web" } };
    delete (noFile as { file?: string }).file;
    delete (noFile as { span?: unknown }).span;
    const logical = formatCommand(annotationOf(noFile, builtinRules()));
    expect(logical).toMatch(/^::notice title=virtualservice-subset-not-found::Service shop\/web at spec\.hosts\[0\]: first/);
  });
});

describe("junit and checkstyle", () => {
  it("junit: a suite per file, a failing case per error, a passing case for a clean file", async () => {
    const { out } = await cli(["-f", "junit", "."], world());
    expect(out).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="meshlint" tests="2" failures="1"/);
    expect(out).toContain('<testsuite name="mesh/service.yaml" tests="1" failures="0"');
    expect(out).toMatch(/<testcase name="virtualservice-subset-not-found at 8:45" classname="mesh\/vs\.yaml" file="mesh\/vs\.yaml" line="8" time="0"><failure type="error" message="Subset &quot;v2&quot;/);
    expect(balanced(out)).toBe(true);
  });

  it("checkstyle: a file element per file with findings, an error element per finding", async () => {
    const { out } = await cli(["-f", "checkstyle", "."], world());
    expect(out).toContain('<checkstyle version="4.3">');
    expect(out).toMatch(/<file name="mesh\/vs\.yaml">\n {4}<error line="8" column="45" severity="error" message="Subset &quot;v2&quot;[^"]*" source="meshlint\.virtualservice-subset-not-found"\/>/);
    expect(balanced(out)).toBe(true);
  });

  it("escape what XML cannot hold as it is", async () => {
    const dir = tempRepo({ "a&<b>.yaml": "a: [" });
    for (const format of ["junit", "checkstyle"]) {
      const { out } = await cli(["-f", format, "."], dir);
      expect(out).toContain("a&amp;&lt;b&gt;.yaml");
      expect(balanced(out)).toBe(true);
    }
  });
});

describe("--output-file", () => {
  it("writes several formats in one run beside the terminal output", async () => {
    const dir = world();
    const r = await cli(["-o", "sarif=out/meshlint.sarif", "-o", "junit=junit.xml", "--output-file", "checkstyle=cs.xml", "."], dir);
    expect(r.code).toBe(1);
    expect(r.out).toContain("> 8 |"); // stylish on the terminal
    expect(JSON.parse(readFileSync(join(dir, "out", "meshlint.sarif"), "utf8")).version).toBe("2.1.0");
    expect(readFileSync(join(dir, "junit.xml"), "utf8")).toContain("<testsuites");
    expect(readFileSync(join(dir, "cs.xml"), "utf8")).toContain("<checkstyle");
  });

  it("a bare file takes --format, and the terminal then gets stylish", async () => {
    const dir = world();
    const r = await cli(["--format", "sarif", "--output-file", "x.sarif", "."], dir);
    expect(r.out).toContain("1 error");
    expect(r.out).not.toContain('"version"');
    expect(JSON.parse(readFileSync(join(dir, "x.sarif"), "utf8")).runs[0].results).toHaveLength(1);
    // With a prefixed file, --format keeps the terminal.
    const json = await cli(["-f", "json", "-o", "github=gh.txt", "."], dir);
    expect(JSON.parse(json.out).diagnostics).toHaveLength(1);
    expect(readFileSync(join(dir, "gh.txt"), "utf8")).toMatch(/^::error /);
  });

  it("an unknown format is a usage error, and nothing is written", async () => {
    const dir = world();
    const r = await cli(["-o", "sarf=x.sarif", "."], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown format "sarf"');
    expect(existsSync(join(dir, "x.sarif"))).toBe(false);
  });
});

/** Every element opened is closed, in order (a cheap well-formedness check). */
function balanced(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<\?xml[^>]*\?>/, "").matchAll(/<(\/?)([a-zA-Z-]+)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (m[1]) {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]!);
  }
  return stack.length === 0 && !/&(?!(amp|lt|gt|quot|apos|#\d+);)/.test(xml);
}

describe("values from manifests cannot inject into logs or terminals", () => {
  // A host made of a GitHub workflow command on a line of its own, a fake annotation and terminal escape sequences
  // (colour, and an OSC window-title sequence ended by BEL); a file name with a line break.
  const hostile = "a\n::stop-commands::x\n::error file=x.yaml,line=1::fake \u001b[31mRED\u001b[0m\u001b]0;title\u0007\u202e";
  const manifest = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec:
  hosts: [${JSON.stringify(hostile)}]
  http:
    - route:
        - destination: { host: ${JSON.stringify(`b\u001b[2J${hostile}`)} }
`;
  // eslint-disable-next-line no-control-regex
  const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/;

  it("every human-readable format escapes control characters, so no value starts a line or sends an escape", async () => {
    const dir = tempRepo({ "vs.yaml": manifest, "odd\nname.yaml": manifest, "raw.yaml": `# \u001b[31m raw escape\nkind: [\u0007\n` });
    for (const format of ["stylish", "compact", "github", "junit", "checkstyle"]) {
      const { out } = await cli(["-f", format, "--no-color", "."], dir);
      expect(out, format).toMatch(/destination/i);
      expect(out, format).not.toMatch(RAW_CONTROL);
      for (const line of out.split("\n")) {
        expect(line, format).not.toMatch(/^\s*::(stop-commands|error file=x)/);
        // Only meshlint's own commands start a github-format line.
        if (format === "github" && line.startsWith("::")) expect(line).toMatch(/^::(error|warning|notice) title=[a-z-]+,/);
      }
    }
  });

  it("shows the escapes in messages, and one visible character per control character in code frames", async () => {
    const { out } = await cli(["-f", "stylish", "--no-color", "."], tempRepo({ "vs.yaml": manifest, "raw.yaml": "kind: [\u001b[31m, \u0007\n" }));
    expect(out).toContain("a ::stop-commands::x ::error file=x.yaml");
    expect(out).toContain("\\u001b[31mRED\\u001b[0m\\u001b]0;title\\u0007\\u202e");
    // The code frame keeps the line's width: ESC and BEL are shown as their Control Pictures.
    expect(out).toContain("> 1 | kind: [\u241b[31m, \u2407");
  });
});
