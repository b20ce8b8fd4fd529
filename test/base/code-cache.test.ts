import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { compileCached, isPrivateFolder, saveCodeCaches } from "../../src/base/code-cache.js";
import { tempRepo } from "../helpers/temp-repo.js";

const ROOT = join(import.meta.dirname, "..", "..");
const uid = process.getuid?.();
const folder = uid === undefined ? "" : join(tmpdir(), `meshlint-code-cache-${uid}`);
const name = `test-${process.pid}-${Date.now()}`;
const files = () => (existsSync(folder) ? readdirSync(folder).filter((f) => f.startsWith(`${name}-`)) : []);

describe.skipIf(uid === undefined || process.env.NODE_DISABLE_COMPILE_CACHE)("V8's code cache on disk (src/base/code-cache.ts)", () => {
  afterEach(() => {
    for (const f of files()) rmSync(join(folder, f));
  });

  // V8 also keeps compiled scripts in memory, by source: each compile here differs in a comment of the same length,
  // so that it misses that memory and reads the cache from disk (which V8 checks against the source's length).
  let compiles = 0;
  const run = (key: string) => {
    const source = `(function () { /* ${String(compiles++).padStart(6, "0")} */ const square = (n) => n * n; return [1, 2, 3].map(square).join(","); })`;
    const script = compileCached(source, "/virtual/squares.js", { name, key });
    return { script, result: (script.runInThisContext() as () => string)() };
  };

  it("writes a script's cache at exit (here: saveCodeCaches), and a later compile of the same key takes it", () => {
    const first = run("k1");
    expect(first.result).toBe("1,4,9");
    expect(files()).toEqual([]);
    saveCodeCaches();
    expect(files()).toHaveLength(1);
    expect(statSync(join(folder, files()[0]!)).mode & 0o777).toBe(0o600);
    const second = run("k1");
    expect(second.script.cachedDataRejected).toBe(false);
    expect(second.result).toBe("1,4,9");
  });

  it("compiles as usual over a damaged cache, and writes it anew", () => {
    run("k2");
    saveCodeCaches();
    const [file] = files();
    writeFileSync(join(folder, file!), "not V8's code cache");
    const again = run("k2");
    expect(again.script.cachedDataRejected).toBe(true);
    expect(again.result).toBe("1,4,9");
    saveCodeCaches();
    expect(run("k2").script.cachedDataRejected).toBe(false);
  });

  it("keeps the four newest caches of a name (builds in use side by side), dropping older ones", () => {
    const written: string[] = [];
    for (const key of ["b1", "b2", "b3", "b4", "b5", "b6"]) {
      run(key);
      saveCodeCaches();
      written.push(files().find((f) => !written.includes(f))!);
      // Distinct modification times, whatever the file system's resolution.
      const at = new Date(Date.now() - (10 - written.length) * 60_000);
      utimesSync(join(folder, written.at(-1)!), at, at);
    }
    expect(files().sort()).toEqual(written.slice(2).sort());
    // Each kept build still finds its own.
    expect(run("b3").script.cachedDataRejected).toBe(false);
    expect(run("b6").script.cachedDataRejected).toBe(false);
  });

  it("uses a folder only when it is private to the user: not a link, not readable or writable by others", () => {
    const dir = tempRepo({});
    const own = join(dir, "own");
    mkdirSync(own, { mode: 0o700 });
    expect(isPrivateFolder(own, uid!)).toBe(true);
    expect(isPrivateFolder(own, uid! + 1)).toBe(false);
    const shared = join(dir, "shared");
    mkdirSync(shared);
    chmodSync(shared, 0o777);
    expect(isPrivateFolder(shared, uid!)).toBe(false);
    const link = join(dir, "link");
    symlinkSync(own, link);
    expect(isPrivateFolder(link, uid!)).toBe(false);
    expect(isPrivateFolder(join(dir, "missing"), uid!)).toBe(false);
  });

  // The CLI compiles its bundle and the validators through the cache (src/cli/boot.ts): cold, warm and over damaged
  // caches, the output is the same.
  it.skipIf(!existsSync(join(ROOT, "dist", "cli", "meshlint.cjs")))("gives the CLI's output unchanged, cold, warm and over damaged caches; skipped where not built", () => {
    const tmp = tempRepo({});
    const cli = (env: NodeJS.ProcessEnv = {}) =>
      spawnSync(process.execPath, [join(ROOT, "bin", "meshlint.js"), "--format", "json", "fixtures/demo"], { cwd: ROOT, encoding: "utf8", env: { ...process.env, TMPDIR: tmp, ...env } });
    const plain = cli({ NODE_DISABLE_COMPILE_CACHE: "1" });
    expect(plain.stdout).toContain('"diagnostics"');
    expect(existsSync(join(tmp, `meshlint-code-cache-${uid}`))).toBe(false);
    const cold = cli();
    const cache = join(tmp, `meshlint-code-cache-${uid}`);
    const written = readdirSync(cache);
    expect(written.some((f) => f.startsWith("cli-"))).toBe(true);
    expect(written.some((f) => f.startsWith("validator-"))).toBe(true);
    const warm = cli();
    for (const f of written) writeFileSync(join(cache, f), "damaged");
    const damaged = cli();
    for (const r of [cold, warm, damaged]) {
      expect(r.status).toBe(plain.status);
      expect(r.stdout).toBe(plain.stdout);
      expect(r.stderr).toBe(plain.stderr);
    }
    // @kubernetes/client-node is imported from outside the bundle (src/base/import-package.ts), from the cached code
    // too (a vm.Script's own import() fails there): the run gets as far as asking the (absent) API server.
    const kubeconfig = join(tmp, "kubeconfig");
    writeFileSync(kubeconfig, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n");
    const cluster = spawnSync(process.execPath, [join(ROOT, "bin", "meshlint.js"), "--cluster", "--kubeconfig", kubeconfig], { cwd: tmp, encoding: "utf8", env: { ...process.env, TMPDIR: tmp } });
    expect(cluster.stderr).toContain("127.0.0.1:1");
    expect(cluster.stderr).not.toContain("cannot load");
  });
});
