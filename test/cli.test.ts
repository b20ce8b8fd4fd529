import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPTIONS as LINT_OPTIONS } from "../src/cli/lint-options.js";
import { type CliIo, run } from "../src/cli/main.js";
import { ROOT } from "./helpers/fixtures.js";
import { tempRepo } from "./helpers/temp-repo.js";

const REPOS = join(ROOT, "fixtures", "repos");

/** Runs the CLI in-process in `cwd`; returns exit code, stdout and stderr. */
async function cli(args: string[], cwd = REPOS, stdin = "") {
  let out = "";
  let err = "";
  const io: CliIo = {
    cwd,
    env: {},
    stdoutIsTTY: false,
    write: (t) => (out += t),
    error: (t) => (err += t),
    readStdin: async () => stdin,
  };
  const code = await run(args, io);
  return { code, out, err };
}

describe("exit codes, in every format", () => {
  for (const format of ["stylish", "json", "compact"]) {
    it(`${format}: 0 clean, 1 errors, 0 warnings-only, 1 warnings with --fail-on warning or --max-warnings 0`, async () => {
      expect((await cli(["-f", format, "clean"])).code).toBe(0);
      expect((await cli(["-f", format, "broken"])).code).toBe(1);
      expect((await cli(["-f", format, "warnings-only"])).code).toBe(0);
      expect((await cli(["-f", format, "--fail-on", "warning", "warnings-only"])).code).toBe(1);
      expect((await cli(["-f", format, "--max-warnings", "0", "warnings-only"])).code).toBe(1);
      expect((await cli(["-f", format, "--max-warnings", "1", "warnings-only"])).code).toBe(0);
      expect((await cli(["-f", format, "--fail-on", "none", "broken"])).code).toBe(0);
    });
  }

  it("2 for usage errors, with a message on stderr and nothing half-printed on stdout", async () => {
    for (const args of [["--format", "xml", "clean"], ["--fail-on", "sometimes"], ["--bogus"], ["--max-warnings", "-3"], ["--max-file-size", "big"], ["--gateway-api-channel", "beta"]]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.err).toMatch(/^meshlint: /);
      expect(r.out).toBe("");
    }
  });

  it("2 for a path that names nothing (after reporting the rest)", async () => {
    const r = await cli(["-f", "json", "clean", "no-such-dir"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("no-such-dir");
    expect(JSON.parse(r.out).summary.resources).toBe(4);
  });

  it("2 runs never print a success mark: a missing path, a glob that names nothing, an empty folder", async () => {
    for (const args of [["no-such-dir", "x/**/*.yaml"], ["clean", "no-such-dir"], [tempRepo({})]]) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.out, args.join(" ")).not.toContain("✔");
      expect(r.out).toMatch(/✖ \d+ resources? in \d+ files?/);
    }
  });

  it("2 for an invalid config file, naming the bad fields", async () => {
    const r = await cli(["."], join(REPOS, "bad-config"));
    expect(r.code).toBe(2);
    expect(r.err).toContain("colour");
    expect(r.err).toContain("/rules/virtualservice-subset-not-found");
  });

  it("2 for typos in .meshlint.yaml's rules: unknown ids, codes and areas, and severities, each with the nearest name", async () => {
    const dir = tempRepo({ ".meshlint.yaml": "rules: { schema-invalidd: off, IST9999: off, istoi: off, ist0101: off, istio: warning }\n", "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n" });
    const r = await cli(["."], dir);
    expect(r.code).toBe(2);
    expect(r.err).toContain('unknown rule id, code or area "schema-invalidd" (did you mean "schema-invalid"?), "IST9999", "istoi" (did you mean "istio"?)');
    expect(r.err).not.toContain("ist0101");
    const warn = await cli(["."], tempRepo({ ".meshlint.yaml": "rules: { schema-invalid: warn }\n" }));
    expect(warn.code).toBe(2);
    expect(warn.err).toContain('/rules/schema-invalid must be one of off, info, warning, error, not "warn" (did you mean "warning"?)');
  });

  it("2 for option mistakes, in meshlint's words with the nearest option; --max-warnings -1 means no limit", async () => {
    expect((await cli(["--formt", "json", "clean"])).err).toMatch(/^meshlint: unknown option "--formt" \(did you mean "--format"\?\)/);
    expect((await cli(["-x", "clean"])).err).toMatch(/^meshlint: unknown option "-x"\n/);
    expect((await cli(["clean", "--format"])).err).toMatch(/^meshlint: option --format needs a value/);
    expect((await cli(["--quiet=yes", "clean"])).err).toMatch(/^meshlint: option --quiet takes no value/);
    expect((await cli(["--fail-on", "warn", "clean"])).err).toContain('not "warn" (did you mean "warning"?)');
    const unlimited = await cli(["--max-warnings", "-1", "warnings-only"]);
    expect(unlimited.code).toBe(0);
    expect((await cli(["explain", "virtualservice-subset-notfound"])).err).toContain('(did you mean "virtualservice-subset-not-found"?)');
  });

  it("2 for a mesh config istiod would refuse or whose fields it would ignore, naming each field", async () => {
    const manifest = { "a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n" };
    const dir = tempRepo({
      ...manifest,
      "mesh.yaml": "enableAutoMtls: nope\nenableAutoMtl: false\noutboundTrafficPolicy: { mode: ALLOW_ALL }\ningressControllerMode: 7\n",
      "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: istio, namespace: istio-system }\ndata:\n  mesh: |\n    trustDomian: example.org\n",
      // Proto names, enum numbers, nulls and fields Istio removed (istiod drops those silently) are all fine.
      "good.yaml": "enable_auto_mtls: false\nmesh_mTLS: { minProtocolVersion: TLSV1_3 }\nh2UpgradePolicy: 1\naccessLogFile: ~\nsdsUdsPath: unix:/x\nconnectTimeout: 10s\n",
    });
    const bad = await cli(["--mesh-config", "mesh.yaml", "a.yaml"], dir);
    expect(bad.code).toBe(2);
    expect(bad.out).toBe("");
    expect(bad.err).toContain('mesh.yaml: enableAutoMtls must be true or false, not "nope" (istiod refuses a mesh config it cannot read).');
    expect(bad.err).toContain('mesh.yaml: "enableAutoMtl" is not a MeshConfig field (did you mean "enableAutoMtls"?); istiod ignores it');
    expect(bad.err).toContain('outboundTrafficPolicy.mode must be one of REGISTRY_ONLY, ALLOW_ANY, ALLOW_ANY_DYNAMIC_DNS, not "ALLOW_ALL" (did you mean "ALLOW_ANY"?)');
    expect(bad.err).toContain("ingressControllerMode must be one of UNSPECIFIED, OFF, DEFAULT, STRICT, not 7");
    const configMap = await cli(["--mesh-config", "cm.yaml", "a.yaml"], dir);
    expect(configMap.code).toBe(2);
    expect(configMap.err).toContain('cm.yaml (data.mesh): "trustDomian" is not a MeshConfig field (did you mean "trustDomain"?)');
    const good = await cli(["--mesh-config", "good.yaml", "a.yaml"], dir);
    expect(good.err).toBe("");
    expect(good.code).toBe(0);
  });

  it("2 for an unreadable --mesh-config", async () => {
    const r = await cli(["--mesh-config", "nope.yaml", "clean"]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("nope.yaml");
  });
});

describe("configuration and suppression", () => {
  it("finds .meshlint.yaml upward: namespace default, rule off by code, ignore globs", async () => {
    const r = await cli(["-f", "json", "."], join(REPOS, "configured"));
    const json = JSON.parse(r.out);
    expect(json.diagnostics).toEqual([]);
    expect(json.summary).toMatchObject({ files: 1, resources: 2, errors: 0 });
    expect(r.code).toBe(0);
  });

  it("--config names the file explicitly, and --namespace wins over the config", async () => {
    const r = await cli(["-f", "json", "-c", "configured/.meshlint.yaml", "-n", "other", "configured"]);
    const hosts = JSON.parse(r.out).diagnostics.map((d: { ruleId: string }) => d.ruleId);
    expect(hosts).toEqual(["virtualservice-destination-host-not-found"]);
  });

  it("honours galley.istio.io/analyze-suppress and meshlint.io/ignore, and counts what they hide", async () => {
    const r = await cli(["-f", "json", "suppressed"]);
    const json = JSON.parse(r.out);
    expect(json.diagnostics).toEqual([]);
    expect(json.summary.suppressed).toBe(2);
    expect(r.code).toBe(0);
  });
});

describe("inputs", () => {
  it("lints standard input with -", async () => {
    const vs = "apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: a }\nspec:\n  hosts: [a]\n  http:\n    - route:\n        - destination: { host: missing }\n---\napiVersion: v1\nkind: Service\nmetadata: { name: a }\n";
    const r = await cli(["-f", "compact", "-"], REPOS, vs);
    expect(r.out).toContain("<stdin>: line 8, col 32, Error - Host \"missing\"");
    expect(r.code).toBe(1);
  });

  it("never prints a stack trace for bad input", async () => {
    const dir = tempRepo({ "a.yaml": "\u0000\u0001", "b.yaml": "a: [", "c.yaml": "kind: List\napiVersion: v1\nitems: 7\n" });
    const r = await cli(["-f", "stylish", "."], dir);
    expect(r.err).toBe("");
    expect(r.out).not.toMatch(/at .*\.js:\d+/);
    expect(r.code).toBe(1);
  });
});

describe("formats", () => {
  it("json follows the contract", async () => {
    const json = JSON.parse((await cli(["-f", "json", "broken"])).out);
    expect(json.version).toBe(1);
    expect(Object.keys(json.summary).sort()).toEqual(["errors", "files", "infos", "resources", "skipped", "suppressed", "warnings"]);
    expect(json.diagnostics[0]).toMatchObject({
      ruleId: "virtualservice-subset-not-found",
      severity: "error",
      codes: ["IST0101", "KIA1107"],
      file: "broken/mesh.yaml",
      line: 8,
      column: 45,
      endLine: 8,
      endColumn: 47,
      path: "spec.http[0].route[0].destination.subset",
      resource: { apiVersion: "networking.istio.io/v1", kind: "VirtualService", namespace: "shop", name: "web" },
    });
    expect(json.diagnostics[0].message).toBe('Subset "v2" is not defined by DestinationRule "shop/web" for host "web".');
  });

  it("compact lines match VS Code's $eslint-compact problem matcher", async () => {
    const { out } = await cli(["-f", "compact", "broken"]);
    const matcher = /^(.+):\sline\s(\d+),\scol\s(\d+),\s(Error|Warning|Info)\s-\s(.+)\s\((.+)\)$/;
    const lines = out.trim().split("\n");
    expect(lines[0]).toMatch(matcher);
    expect(lines.at(-1)).toBe("4 resources in 2 files: 1 error, 0 warnings, 0 infos");
  });

  it("stylish shows a code frame, the help and a summary, without colour when not a terminal", async () => {
    const { out } = await cli(["broken"]);
    expect(out).toContain("> 8 |         - destination: { host: web, subset: v2 }");
    expect(out).toMatch(/\|\s+\^\^$/m);
    expect(out).toContain('help: Defined subsets: "v1".');
    expect(out).toContain("4 resources in 2 files: 1 error, 0 warnings, 0 infos");
    expect(out).not.toContain("\u001b[");
    expect((await cli(["--color", "broken"])).out).toContain("\u001b[");
  });

  it("README's demo figures are what the demo prints, and its install steps are today's (published forms marked future)", async () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const { code, out } = await cli(["-f", "compact", "fixtures/demo"], ROOT);
    expect(code).toBe(1);
    const summary = out.trim().split("\n").at(-1)!;
    expect(readme).toContain(`Every format ends with a summary, for the demo: \`${summary}\`.`);
    const [, errors, warnings] = /: (\d+) errors?, (\d+) warnings?/.exec(summary)!;
    const words = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    expect(readme).toContain(`(${words[Number(errors)]} errors and ${warnings === "1" ? "a warning" : `${words[Number(warnings)]} warnings`};`);
    // No package, tag or rev is published yet: the README installs from a clone or a packed tarball, and every
    // published form it shows says that it is a future one.
    expect(readme).toContain("npm pack");
    expect(readme).toContain("npm install -g ./meshlint-*.tgz");
    const lines = readme.split("\n");
    lines.forEach((line, i) => {
      if (/npm install --save-dev meshlint\b|meshlint\/meshlint@v\d|rev: v\d/.test(line)) expect(`${lines[i - 1]}\n${line}`, `README line ${i + 1}`).toMatch(/future/);
    });
  });

  it("--quiet prints errors only", async () => {
    const json = JSON.parse((await cli(["-f", "json", "-q", "warnings-only"])).out);
    expect(json.diagnostics).toEqual([]);
  });
});

describe("commands", () => {
  it("--list-rules lists every rule, as text, JSON or markdown", async () => {
    const text = (await cli(["--list-rules"])).out;
    expect(text).toContain("virtualservice-subset-not-found");
    const rules = JSON.parse((await cli(["--list-rules", "-f", "json"])).out);
    expect(rules.find((r: { id: string }) => r.id === "virtualservice-host-conflict").aliases).toContainEqual({ tool: "istioctl", code: "IST0109", match: "same" });
    expect(rules.find((r: { id: string }) => r.id === "destinationrule-ambient-ineffective").codes).toEqual(["KIA0210", "KIA0211", "KIA0212"]);
    expect((await cli(["--list-rules", "-f", "markdown"])).out).toMatch(/^\| rule \| area/);
  });

  it("explain prints a rule's doc, or every rule carrying a code", async () => {
    const one = await cli(["explain", "virtualservice-subset-not-found"]);
    expect(one.out).toContain("## What it does");
    const byCode = await cli(["explain", "IST0101"]);
    expect(byCode.out).toMatch(/^IST0101 is covered by \d+ rule\(s\)/);
    expect(byCode.out).toContain("virtualservice-gateway-not-found");
    expect((await cli(["explain", "KIA9999"])).code).toBe(2);
  });

  it("--version and --help", async () => {
    expect((await cli(["--version"])).out).toMatch(/^\d+\.\d+\.\d+\n$/);
    expect((await cli(["--help"])).out).toContain("--fail-on");
  });

  it("README's flag tables name every option the lint command accepts", () => {
    const rows = readFileSync(join(ROOT, "README.md"), "utf8").split("\n").filter((line) => line.startsWith("| `"));
    const flags = new Set(rows.flatMap((row) => [...(row.split(" | ")[0] ?? "").matchAll(/--[\w-]+/g)].map((m) => m[0])));
    expect(Object.keys(LINT_OPTIONS).filter((name) => !flags.has(`--${name}`))).toEqual([]);
  });

  it("--help names every option the lint command accepts, and meshlint webhook --help every webhook option", async () => {
    const help = (await cli(["--help"])).out;
    const missing = Object.keys(LINT_OPTIONS).filter((name) => !help.includes(`--${name}`));
    expect(missing).toEqual([]);
    const webhook = await cli(["webhook", "--help"]);
    expect(webhook.code).toBe(0);
    for (const name of ["--tls-cert", "--tls-key", "--listen", "--kubeconfig", "--context", "--deny-on", "--audit-interval", "--config", "--index-from"]) {
      expect(webhook.out).toContain(name);
    }
  });
});

describe("the installed bin", () => {
  it("runs the demo repository end to end through bin/meshlint.js, with its phases timed on request (MESHLINT_TIMING)", () => {
    const timing = join(tempRepo({}), "timing.json");
    const env = { ...process.env, MESHLINT_TIMING: timing };
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "meshlint.js"), "--format", "json", "fixtures/demo"], { cwd: ROOT, encoding: "utf8", env });
    expect(r.status).toBe(1);
    const { phases } = JSON.parse(readFileSync(timing, "utf8")) as { phases: { phase: string; cpuMs: number; wallMs: number; threadCpuMs?: number; gcMs: number }[] };
    expect(phases.map((p) => p.phase)).toEqual(["startup", "config", "discover", "read", "parse", "index", "rules", "finalize", "directives", "report", "exit"]);
    for (const p of phases) expect(p.cpuMs >= 0 && p.wallMs >= 0 && p.gcMs >= 0).toBe(true);
    expect(phases.find((p) => p.phase === "startup")!.cpuMs).toBeGreaterThan(0);
    // The main thread's own CPU (Linux), which the bench's linear-growth guard judges, and at least one collection.
    if (process.platform === "linux") expect(phases.find((p) => p.phase === "startup")!.threadCpuMs).toBeGreaterThan(0);
    expect(phases.reduce((sum, p) => sum + p.gcMs, 0)).toBeGreaterThan(0);
    const json = JSON.parse(r.stdout);
    expect(new Set(json.diagnostics.map((d: { ruleId: string }) => d.ruleId))).toEqual(
      new Set([
        "resource-duplicate",
        "virtualservice-destination-host-not-found",
        "virtualservice-gateway-not-found",
        "virtualservice-subset-not-found",
        "virtualservice-host-conflict",
        "virtualservice-weights-invalid",
        "destinationrule-subset-no-pods",
      ]),
    );
  });

  it("--list-rules and explain from the bundle's rule metadata say what the rules themselves say", async () => {
    for (const args of [["--list-rules", "--format", "json"], ["--list-rules"], ["explain", "IST0101"], ["explain", "schema-invalid"]]) {
      const r = spawnSync(process.execPath, [join(ROOT, "bin", "meshlint.js"), ...args], { cwd: ROOT, encoding: "utf8" });
      expect(r.status, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).toBe((await cli(args, ROOT)).out);
    }
  });

  it("says it is not built, instead of a module trace, where dist/ is missing (a clone before npm ci)", () => {
    const unbuilt = tempRepo({ "bin/meshlint.js": readFileSync(join(ROOT, "bin", "meshlint.js")) });
    const r = spawnSync(process.execPath, [join(unbuilt, "bin", "meshlint.js"), "fixtures/demo"], { cwd: unbuilt, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("meshlint is not built here");
    expect(r.stderr).not.toContain("ERR_MODULE_NOT_FOUND");
  });

  it("exits 2 on a usage error", () => {
    const r = spawnSync(process.execPath, [join(ROOT, "bin", "meshlint.js"), "--nope"], { cwd: ROOT, encoding: "utf8" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("meshlint:");
  });

  it("ends quietly when the reader closes the pipe early (`| head -1`), instead of an EPIPE stack trace", () => {
    // 78 KB of rule list, more than a pipe holds: the write meets the pipe `head` closed.
    const bin = join(ROOT, "bin", "meshlint.js");
    const r = spawnSync("sh", ["-c", `"${process.execPath}" "${bin}" --list-rules --format json | head -c 1 >/dev/null`], { cwd: ROOT, encoding: "utf8" });
    expect(r.stderr).toBe("");
  });
});
