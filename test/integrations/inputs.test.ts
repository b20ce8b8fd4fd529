import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type CliIo, run } from "../../src/cli/main.js";
import { tempRepo } from "../helpers/temp-repo.js";
import { SERVICE_YAML, git, routeYaml } from "./world.js";

/** Runs the CLI in-process with `stdin` as standard input. */
async function cli(args: string[], cwd: string, stdin = "") {
  let out = "";
  let err = "";
  const io: CliIo = { cwd, env: {}, stdoutIsTTY: false, write: (t) => (out += t), error: (t) => (err += t), readStdin: async () => stdin };
  const code = await run(args, io);
  return { code, out, err };
}

const findings = (out: string) =>
  (JSON.parse(out).diagnostics as { file: string; line: number; ruleId: string; severity: string }[]).map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.severity}`);

/** Two teams, each with its own config: team-a turns the missing-subset check into a warning. */
function teams() {
  return tempRepo({
    "team-a/.meshlint.yaml": "rules:\n  virtualservice-subset-not-found: warning\n",
    "team-a/service.yaml": SERVICE_YAML,
    "team-a/route.yaml": routeYaml("v2"),
    "team-b/service.yaml": SERVICE_YAML,
    "team-b/route.yaml": routeYaml("v2"),
  });
}

describe("the configuration is found from the linted paths", () => {
  it("uses the nearest .meshlint.yaml above the paths, not the working folder's", async () => {
    const dir = teams();
    const a = await cli(["-f", "json", "team-a"], dir);
    expect(findings(a.out)).toEqual(["team-a/route.yaml:8 virtualservice-subset-not-found warning"]);
    expect(a.code).toBe(0);
    expect(findings((await cli(["-f", "json", "team-a/route.yaml", "team-a/service.yaml"], dir)).out)).toEqual([
      "team-a/route.yaml:8 virtualservice-subset-not-found warning",
    ]);
    expect(findings((await cli(["-f", "json", "team-a/*.yaml"], dir)).out)).toEqual(["team-a/route.yaml:8 virtualservice-subset-not-found warning"]);
    expect((await cli(["-f", "json", "team-b"], dir)).code).toBe(1);
    // --config still wins.
    writeFileSync(join(dir, "strict.yaml"), "rules: {}\n");
    expect((await cli(["-f", "json", "--config", "strict.yaml", "team-a"], dir)).code).toBe(1);
  });

  it("paths governed by different configurations are a usage error naming both", async () => {
    const dir = teams();
    const r = await cli(["team-a", "team-b"], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain("team-a/.meshlint.yaml for team-a, no configuration file for team-b; lint them separately or pass --config");
  });

  it("finds the baseline beside the configuration found from the paths", async () => {
    const dir = teams();
    writeFileSync(join(dir, "team-b/.meshlint.yaml"), "rules: {}\n");
    expect((await cli(["baseline", "team-b"], dir)).out).toContain("Wrote team-b/.meshlint-baseline.json");
    expect((await cli(["team-b"], dir)).code).toBe(0);
    expect((await cli(["--no-baseline", "team-b"], dir)).code).toBe(1);
  });

  it("the stylish header says which configuration applied", async () => {
    const dir = teams();
    expect((await cli(["team-a"], dir)).out).toMatch(/^ {2}Config: team-a\/\.meshlint\.yaml$/m);
    expect((await cli(["team-b"], dir)).out).toMatch(/^ {2}Config: none \(the defaults\)$/m);
  });
});

describe("--print-config", () => {
  it("prints the file, the baseline, the rules as written and every rule's severity", async () => {
    const dir = teams();
    writeFileSync(join(dir, "team-a/.meshlint.yaml"), "rules:\n  virtualservice-subset-not-found: warning\n  IST0101: info\n  linkerd: off\nignore: [tmp/]\nsettings: { namespace: shop }\n");
    const r = await cli(["--print-config", "team-a/route.yaml"], dir);
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out);
    expect(printed).toMatchObject({
      path: "team-a/route.yaml",
      configFile: "team-a/.meshlint.yaml",
      baselineFile: null,
      rules: { "virtualservice-subset-not-found": "warning", IST0101: "info", linkerd: "off" },
      ignore: ["tmp/"],
      settings: { namespace: "shop" },
    });
    // The id wins over the code; the area turns a whole pack off; the rest keep their defaults.
    expect(printed.severities["virtualservice-subset-not-found"]).toBe("warning");
    const linkerd = Object.entries(printed.severities).filter(([id]) => id.startsWith("linkerd-"));
    expect(linkerd.length).toBeGreaterThan(3);
    expect(linkerd.every(([, s]) => s === "off")).toBe(true);
    expect(printed.severities["resource-duplicate"]).toBe("error");
    // A code that covers only some of a rule's messages makes them differ: shown per message.
    const perMessage = Object.values(printed.severities).filter((s) => typeof s === "object");
    expect(perMessage.length).toBeGreaterThan(0);
    expect(perMessage.every((s) => Object.values(s as object).includes("info"))).toBe(true);
    const b = JSON.parse((await cli(["--print-config", "team-b"], dir)).out);
    expect(b.configFile).toBeNull();
    expect((await cli(["--print-config", "team-a", "team-b"], dir)).code).toBe(2);
  });
});

describe("--stdin-filename", () => {
  it("names piped text for positions, config lookup and ignore files", async () => {
    const dir = teams();
    const piped = `${SERVICE_YAML}---\n${routeYaml("v2")}`;
    const r = await cli(["-f", "json", "--stdin-filename", "team-a/piped.yaml", "-"], dir, piped);
    expect(findings(r.out)).toEqual(["team-a/piped.yaml:29 virtualservice-subset-not-found warning"]);
    // Without "-", --stdin-filename alone reads standard input; with other paths and no "-", it is a mistake.
    expect(findings((await cli(["-f", "json", "--stdin-filename", "team-b/piped.yaml"], dir, piped)).out)).toEqual([
      "team-b/piped.yaml:29 virtualservice-subset-not-found error",
    ]);
    expect((await cli(["--stdin-filename", "x.yaml", "team-a"], dir, piped)).code).toBe(2);
    // An ignored name is skipped, as the file would be.
    writeFileSync(join(dir, ".meshlintignore"), "vendor/\n");
    const ignored = await cli(["-f", "json", "--allow-empty", "--stdin-filename", "vendor/x.yaml"], dir, piped);
    expect(JSON.parse(ignored.out).diagnostics.map((d: { file: string; ruleId: string }) => `${d.file} ${d.ruleId}`)).toEqual(["vendor/x.yaml file-skipped"]);
  });

  it("stands for the file on disk: an editor's unsaved buffer, with the repository as context", async () => {
    const dir = tempRepo({ "mesh/service.yaml": SERVICE_YAML, "mesh/route.yaml": routeYaml("v1"), "mesh/old.yaml": routeYaml("v5", "old") });
    git(dir, "init", "-q");
    // The buffer breaks route.yaml (on disk it is fine); only it is reported, at its own name, and once.
    const r = await cli(["-f", "json", "--repo-context", "--stdin-filename", "mesh/route.yaml", "-"], dir, routeYaml("v3"));
    expect(findings(r.out)).toEqual(["mesh/route.yaml:8 virtualservice-subset-not-found error"]);
    expect(JSON.parse(r.out).summary.resources).toBe(5);
    // The buffer fixes it: nothing, though the file on disk is unchanged.
    writeFileSync(join(dir, "mesh/route.yaml"), routeYaml("v3"));
    const fixed = await cli(["-f", "json", "--repo-context", "--stdin-filename", "mesh/route.yaml", "-"], dir, routeYaml("v1"));
    expect(findings(fixed.out)).toEqual([]);
    expect((await cli(["--repo-context", "-"], dir, routeYaml("v1"))).code).toBe(2);
    expect((await cli(["--changed-since", "HEAD", "--stdin-filename", "mesh/route.yaml"], dir, routeYaml("v1"))).code).toBe(2);
  });
});
