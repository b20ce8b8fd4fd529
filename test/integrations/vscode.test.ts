import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/fixtures.js";
import { tempRepo } from "../helpers/temp-repo.js";
import { SERVICE_YAML, cli, routeYaml } from "./world.js";

/** VS Code's built-in `eslint-compact` problem pattern. */
const ESLINT_COMPACT = /^(.+):\sline\s(\d+),\scol\s(\d+),\s(Error|Warning|Info)\s-\s(.+)\s\((.+)\)$/;

/** tasks.json is JSON with comments: drop whole-line comments. */
const jsonc = (text: string) => JSON.parse(text.replace(/^\s*\/\/.*$/gm, ""));

describe("VS Code", () => {
  it(".vscode/tasks.json runs the compact format under $eslint-compact, resolving paths in the workspace folder", async () => {
    const tasks = jsonc(readFileSync(join(ROOT, ".vscode", "tasks.json"), "utf8"));
    const task = tasks.tasks.find((t: { label: string }) => t.label === "meshlint");
    expect(task.problemMatcher.base).toBe("$eslint-compact");
    expect(task.problemMatcher.fileLocation).toEqual(["relative", "${workspaceFolder}"]);
    expect(task.options.cwd).toBe("${workspaceFolder}");
    expect(task.command).toBe("npx");
    expect(task.args[0]).toBe("meshlint");

    // What the task prints, read the way the matcher reads it.
    const workspace = tempRepo({ "mesh/service.yaml": SERVICE_YAML, "mesh/vs.yaml": routeYaml("v2") });
    const { out } = await cli(task.args.slice(1), workspace);
    const problems = out.split("\n").map((l) => ESLINT_COMPACT.exec(l)).filter((m) => m !== null);
    expect(problems).toHaveLength(1);
    const [, file, line, column, severity, message, code] = problems[0]!;
    expect(existsSync(join(workspace, file!))).toBe(true);
    expect([line, column, severity, code]).toEqual(["8", "45", "Error", "virtualservice-subset-not-found"]);
    expect(message).toContain('Subset "v2"');
  });

  it("the extension folder starts `meshlint lsp` and contributes the same matcher", () => {
    const manifest = JSON.parse(readFileSync(join(ROOT, "editors", "vscode", "package.json"), "utf8"));
    expect(manifest.contributes.configuration.properties["meshlint.command"].default.slice(-2)).toEqual(["meshlint", "lsp"]);
    const matcher = manifest.contributes.problemMatchers[0];
    expect(matcher.name).toBe("meshlint");
    expect(new RegExp(matcher.pattern.regexp).source).toBe(ESLINT_COMPACT.source);
    expect(readFileSync(join(ROOT, "editors", "vscode", "extension.js"), "utf8")).toContain("vscode-languageclient/node");
  });

  it("the extension folder packages without questions: its license, a .vscodeignore, meshlint.command documented", () => {
    const folder = join(ROOT, "editors", "vscode");
    const manifest = JSON.parse(readFileSync(join(folder, "package.json"), "utf8"));
    // vsce asks when LICENSE is missing; the file is the license package.json names.
    expect(manifest.license).toBe("Apache-2.0");
    expect(readFileSync(join(folder, "LICENSE"), "utf8")).toMatch(/Apache License\s+Version 2\.0, January 2004/);
    const ignored = readFileSync(join(folder, ".vscodeignore"), "utf8").split("\n").filter((l) => l && !l.startsWith("#"));
    for (const needed of ["extension.js", "package.json", "README.md", "LICENSE", "node_modules/**"]) expect(ignored).not.toContain(needed);
    const readme = readFileSync(join(folder, "README.md"), "utf8");
    expect(readme).toContain('"meshlint.command": ["node", ');
    expect(readme).not.toContain("npm install --save-dev meshlint`");
  });
});
