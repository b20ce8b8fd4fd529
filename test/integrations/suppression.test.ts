import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/api.js";
import { BASELINE_FILE } from "../../src/engine/baseline.js";
import { parseDirectives } from "../../src/engine/directives.js";
import { tempRepo } from "../helpers/temp-repo.js";
import { SERVICE_YAML, cli, routeYaml } from "./world.js";

/** Two routes to missing subsets (on lines 8 and 17 without prefix or separator text). */
const twoRoutes = (prefix = "", between = "") => `${prefix}${routeYaml("v2")}---\n${between}${routeYaml("v3", "api")}`;

async function findings(files: Record<string, string>, args: Partial<Parameters<typeof lint>[1]> = {}) {
  const dir = tempRepo({ "mesh/service.yaml": SERVICE_YAML, ...files });
  const result = await lint(["."], { cwd: dir, ...args });
  return { dir, result, ids: result.diagnostics.map((d) => `${d.file}:${d.span?.line}:${d.ruleId}`) };
}

describe("inline comment directives", () => {
  it("parses kinds, ids (commas or spaces), reasons and positions", () => {
    const text = "a: 1\n  # meshlint-disable-next-line x-y, IST0101 KIA1107 -- the reason -- with dashes\nb: 2 # meshlint-disable-line\n# meshlint-enable\n";
    const ds = parseDirectives(text);
    expect(ds.map((d) => [d.kind, d.ids, d.reason, d.line])).toEqual([
      ["disable-next-line", ["x-y", "IST0101", "KIA1107"], "the reason -- with dashes", 2],
      ["disable-line", [], undefined, 3],
      ["enable", [], undefined, 4],
    ]);
    expect(text.slice(ds[1]!.start, ds[1]!.end)).toBe("# meshlint-disable-line");
    expect(parseDirectives("value: a#meshlint-disable\nurl: http://x/#meshlint-disable")).toEqual([]);
  });

  it("disable-next-line by rule id, by IST code and by KIA code", async () => {
    for (const id of ["virtualservice-subset-not-found", "IST0101", "kia1107"]) {
      const vs = routeYaml("v2").replace("        - destination", `        # meshlint-disable-next-line ${id} -- migrating\n        - destination`);
      const { ids, result } = await findings({ "mesh/vs.yaml": vs });
      expect(ids, id).toEqual([]);
      expect(result.summary.suppressed).toBe(1);
    }
  });

  it("a disable-next-line for another rule does not silence, and is reported unused", async () => {
    const vs = routeYaml("v2").replace("        - destination", "        # meshlint-disable-next-line resource-duplicate\n        - destination");
    const { ids } = await findings({ "mesh/vs.yaml": vs });
    expect(ids).toEqual(["mesh/vs.yaml:8:directive-unused", "mesh/vs.yaml:9:virtualservice-subset-not-found"]);
  });

  it("disable … enable silences a block and nothing after it", async () => {
    const vs = twoRoutes("# meshlint-disable virtualservice-subset-not-found -- generated\n", "# meshlint-enable virtualservice-subset-not-found\n");
    const { ids } = await findings({ "mesh/vs.yaml": vs });
    expect(ids).toEqual(["mesh/vs.yaml:19:virtualservice-subset-not-found"]);
  });

  it("a disable without enable runs to the end of the file, and only of that file", async () => {
    const { ids } = await findings({ "mesh/vs.yaml": twoRoutes("# meshlint-disable\n"), "mesh/other.yaml": routeYaml("v9", "other") });
    expect(ids).toEqual(["mesh/other.yaml:8:virtualservice-subset-not-found"]);
  });

  it("unused directives and unknown ids are reported where they are written; config can turn that off", async () => {
    const text = `${routeYaml("v1")}# meshlint-disable-next-line IST9999 -- typo\n# meshlint-enable\n`;
    const { ids, dir } = await findings({ "mesh/vs.yaml": text });
    expect(ids).toEqual(["mesh/vs.yaml:9:directive-unused", "mesh/vs.yaml:10:directive-unused"]);
    writeFileSync(join(dir, ".meshlint.yaml"), "rules:\n  directive-unused: off\n");
    expect((await lint(["."], { cwd: dir })).diagnostics).toEqual([]);
  });

  it("the annotations still work beside the comments", async () => {
    const vs = routeYaml("v2").replace("metadata: { name: web, namespace: shop }", 'metadata: { name: web, namespace: shop, annotations: { galley.istio.io/analyze-suppress: "IST0101" } }');
    const { ids, result } = await findings({ "mesh/vs.yaml": vs });
    expect(ids).toEqual([]);
    expect(result.summary.suppressed).toBe(1);
  });
});

describe("baseline", () => {
  it("meshlint baseline records counts by file and rule; afterwards only new findings are reported and fail", async () => {
    const dir = tempRepo({ "mesh/service.yaml": SERVICE_YAML, "mesh/vs.yaml": twoRoutes() });
    expect((await cli(["."], dir)).code).toBe(1);
    const made = await cli(["baseline"], dir);
    expect(made.code).toBe(0);
    expect(made.out).toContain(`Wrote ${BASELINE_FILE}: 2 findings in 1 file.`);
    expect(JSON.parse(readFileSync(join(dir, BASELINE_FILE), "utf8"))).toEqual({
      version: 1,
      files: { "mesh/vs.yaml": { "virtualservice-subset-not-found": 2 } },
    });

    // Known findings: nothing reported, exit 0, counted as suppressed.
    const clean = await cli(["-f", "json", "."], dir);
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.out).summary).toMatchObject({ errors: 0, suppressed: 2 });

    // Lines move: still known.
    writeFileSync(join(dir, "mesh/vs.yaml"), `# moved\n\n${twoRoutes()}`);
    expect((await cli(["."], dir)).code).toBe(0);

    // A new finding in another file is reported; one more of the same rule in the same file reports that group.
    writeFileSync(join(dir, "mesh/new.yaml"), routeYaml("v7", "new"));
    const fresh = JSON.parse((await cli(["-f", "json", "."], dir)).out);
    expect(fresh.diagnostics.map((d: { file: string }) => d.file)).toEqual(["mesh/new.yaml"]);
    writeFileSync(join(dir, "mesh/vs.yaml"), `${twoRoutes()}---\n${routeYaml("v8", "third")}`);
    const more = await cli(["-f", "json", "mesh/vs.yaml", "mesh/service.yaml"], dir);
    expect(more.code).toBe(1);
    expect(JSON.parse(more.out).diagnostics).toHaveLength(3);

    // --no-baseline shows everything; from a subfolder the baseline beside the config is found.
    expect(JSON.parse((await cli(["-f", "json", "--no-baseline", "mesh/vs.yaml", "mesh/service.yaml"], dir)).out).diagnostics).toHaveLength(3);
  });

  it("lives beside the config file, and paths in it are relative to it", async () => {
    const dir = tempRepo({ ".meshlint.yaml": "rules: {}\n", "mesh/service.yaml": SERVICE_YAML, "mesh/vs.yaml": routeYaml("v2") });
    expect((await cli(["baseline", "."], join(dir, "mesh"))).code).toBe(0);
    expect(existsSync(join(dir, BASELINE_FILE))).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, BASELINE_FILE), "utf8")).files)).toEqual(["mesh/vs.yaml"]);
    expect((await cli(["."], join(dir, "mesh"))).code).toBe(0);
    expect((await cli(["mesh"], dir)).code).toBe(0);
  });

  it("does not take a change or --print-config: it records everything there is now", async () => {
    const dir = tempRepo({ "mesh/service.yaml": SERVICE_YAML });
    for (const flags of [["--changed-since", "HEAD"], ["--staged"], ["--print-config", "."]]) {
      const r = await cli(["baseline", ...flags], dir);
      expect(r.code).toBe(2);
      expect(r.err).toContain(`${flags[0]} does not apply`);
    }
    expect(existsSync(join(dir, BASELINE_FILE))).toBe(false);
  });

  it("a malformed baseline is a usage error", async () => {
    const dir = tempRepo({ "mesh/service.yaml": SERVICE_YAML, [BASELINE_FILE]: '{"files": []}' });
    const r = await cli(["."], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain("not a meshlint baseline");
  });
});
