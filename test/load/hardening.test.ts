// Regression tests for the loader bugs of issue 17 (hostile YAML found by a fuzz sweep). Sizes are chosen so that
// the old quadratic or exponential code would run far past the test timeout, while the fixed code is linear; no test
// measures time itself (npm run fuzz does).
import { spawnSync } from "node:child_process";
import { symlinkSync } from "node:fs";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lint } from "../../src/api.js";
import { emptyConfig } from "../../src/engine/config.js";
import { inspectData } from "../../src/load/data-shape.js";
import { readRegularTextSync } from "../../src/base/read-file.js";
import type { ListFolder } from "../../src/load/discover.js";
import { load, parseManifests } from "../../src/load/load.js";
import { fastStream } from "../../src/load/fast-yaml.js";
import { cli } from "../integrations/world.js";
import { tempRepo } from "../helpers/temp-repo.js";

const lintText = async (text: string, name = "m.yaml") => {
  const dir = tempRepo({ [name]: text });
  return lint([name], { cwd: dir, config: emptyConfig(dir) });
};
const found = (r: Awaited<ReturnType<typeof lint>>) =>
  r.diagnostics.map((d) => `${d.span?.line ?? "-"}:${d.span?.column ?? "-"} ${d.ruleId}`);
const HEAD = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop }\n";

describe("aliases", () => {
  it("stops an alias bomb written as flow mappings with JSON-style keys", async () => {
    // `"k":*a` has no space after the colon; the fast path's text check missed it and the bomb expanded in memory.
    let spec = `{"a": &a {"x": "lol", "y": "lol", "z": "lol"}`;
    const names = "bcdefghijk";
    for (let i = 0; i < names.length; i++) {
      const previous = i === 0 ? "a" : names[i - 1];
      spec += `, "${names[i]}": &${names[i]} {${Array.from({ length: 9 }, (_, k) => `"k${k}":*${previous}`).join(",")}}`;
    }
    const r = await lintText(`{"apiVersion":"networking.istio.io/v1","kind":"VirtualService","metadata":{"name":"x"},"spec":${spec}}}\n`);
    expect(found(r)).toEqual(["1:1 yaml-alias-limit-exceeded"]);
  });

  it("reports a recursive alias on the alias (go-yaml refuses it) instead of building a cycle", async () => {
    const r = await lintText("apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: r\nspec: &s\n  hosts: [a]\n  x: *s\n");
    expect(found(r)).toEqual(["7:6 yaml-syntax-error"]);
    expect(r.diagnostics[0]?.message).toContain('Alias "*s" is inside the node it refers to');
  });

  it("reports an alias to no anchor as such, at the alias, not as an alias bomb", async () => {
    const r = await lintText(`${HEAD}data: { a: *nope }\n`);
    expect(found(r)).toEqual(["4:12 yaml-syntax-error"]);
    expect(r.diagnostics[0]?.message).toContain('"*nope" refers to no anchor');
  });

  it("reads a document that shares labels through aliases", async () => {
    const r = await lintText("apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop, labels: &l { app: a }, annotations: *l }\n");
    expect(found(r)).toEqual([]);
    expect(r.index.resources.find((x) => x.name === "c")?.data.metadata).toEqual({ name: "c", namespace: "shop", labels: { app: "a" }, annotations: { app: "a" } });
  });
});

describe("sizes that used to stop or stall a run", () => {
  it("reads a List of 126,000 items (spreading them into push() overflowed the stack)", async () => {
    const items = Array.from({ length: 126_000 }, () => '{"apiVersion":"v1","kind":"A"}').join(",");
    const parsed = parseManifests("list.json", `{"apiVersion":"v1","kind":"List","items":[${items}]}`);
    expect(parsed.resources).toHaveLength(126_000);
  });

  it("reads a mapping of 100,000 keys with a finding (yaml's duplicate-key check was quadratic)", async () => {
    const keys = Array.from({ length: 100_000 }, (_, i) => `  k${i}: v`).join("\n");
    const r = await lintText(`apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\n  namespace: shop\n  labels: { x: 1 }\ndata:\n${keys}\n`);
    expect(found(r)).toEqual(["6:16 schema-invalid"]);
  });

  it("reads 40,000 template-like strings that are data (the Helm check rescanned every scalar per {{)", async () => {
    const values = Array.from({ length: 40_000 }, (_, i) => `  k${i}: "{{ x }}"`).join("\n");
    const r = await lintText(`${HEAD}data:\n${values}\n`);
    expect(r.summary.resources).toBe(1);
    expect(found(r)).toEqual([]);
  });
});

describe("many hosts in one Gateway (found by npm run fuzz: each pair of hosts was compared)", () => {
  it("finds the duplicate and the conflicting host among 40,000 hosts of a server at once", async () => {
    const hosts = Array.from({ length: 40_000 }, (_, i) => `"h${i}.example.com"`).join(", ");
    const gateway = (name: string, list: string) =>
      `apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  selector: { istio: ingressgateway }\n  servers:\n    - port: { number: 80, name: http, protocol: HTTP }\n      hosts: [${list}]\n`;
    const r = await lintText(`${gateway("big", `${hosts}, "h7.example.com", "*.other.org"`)}---\n${gateway("small", '"a.other.org"')}`);
    expect(r.diagnostics.filter((d) => d.ruleId.startsWith("gateway-host")).map((d) => `${d.ruleId} ${d.resource?.name} ${d.path?.join(".")}`).sort()).toEqual([
      "gateway-host-conflict big spec.servers.0.hosts.40001",
      "gateway-host-conflict small spec.servers.0.hosts.0",
      "gateway-host-duplicate big spec.servers.0.hosts.40000",
    ]);
  });
});

describe("long values that used to take quadratic or exponential time", () => {
  it("reads a directive followed by 100,000 blanks (/\\s+$/ backtracked)", async () => {
    const r = await lintText(`${HEAD}# meshlint-disable x${" ".repeat(100_000)}y\n`);
    expect(r.diagnostics.map((d) => d.ruleId)).toContain("directive-unused");
  });

  it("does not compile a Linkerd route regex longer than the CRD allows (RE2's parser is quadratic in its length)", async () => {
    const route = `apiVersion: policy.linkerd.io/v1beta3
kind: HTTPRoute
metadata: { name: r, namespace: shop }
spec:
  parentRefs: [{ name: srv, kind: Server, group: policy.linkerd.io }]
  rules:
    - matches: [{ path: { type: RegularExpression, value: "/${"a".repeat(60_000)}" } }]
`;
    const r = await lintText(route);
    expect(r.diagnostics.map((d) => d.message.slice(0, 70))).toEqual([
      "spec.rules[0].matches[0].path.value must be at most 1024 characters lo",
    ]);
  });

  it("answers at once for principal patterns with many stars (they became backtracking regexes)", async () => {
    const policy = `apiVersion: v1
kind: ServiceAccount
metadata: { name: ${"a".repeat(40)}, namespace: shop }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: p, namespace: shop }
spec:
  rules:
    - from: [{ source: { principals: ["${"*a".repeat(30)}*b"] } }]
`;
    const r = await lintText(policy);
    expect(r.diagnostics.map((d) => d.ruleId)).toEqual(["authorizationpolicy-principal-not-found"]);
  });

  it("checks two VirtualServices of 20,000 wildcard hosts each without comparing every pair", async () => {
    const vs = (name: string) =>
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  hosts:\n${Array.from({ length: 20_000 }, (_, i) => `  - "*.h${i}.example.com"`).join("\n")}\n  http: [{ route: [{ destination: { host: x.example.com } }] }]\n`;
    const r = await lintText(`${vs("a")}---\n${vs("b")}`);
    const conflicts = r.diagnostics.filter((d) => d.ruleId === "virtualservice-host-conflict");
    expect(conflicts).toHaveLength(40_000);
  });
});

describe("nesting and document limits", () => {
  it("reports nesting deeper than 256 levels at the level that exceeds it, for flow and block nesting", async () => {
    const flow = await lintText(`${HEAD}data:\n  x: ${"[".repeat(5000)}${"]".repeat(5000)}\n`);
    expect(found(flow)).toEqual(["5:260 yaml-limit-exceeded"]);
    expect(flow.diagnostics[0]?.message).toContain("more than 256 levels");
    const compact = await lintText(`${HEAD}data:\n  x:\n    ${"- ".repeat(1500)}x\n`);
    expect(found(compact)).toEqual(["6:513 yaml-limit-exceeded"]);
  });

  it("measures data that aliases make deeper or larger than the text shows", () => {
    // What a parser hands over when aliases share nodes: the same object reached along several paths.
    // x is 200 levels deep; reached first directly, then again under 60 more levels.
    let x: unknown = ["x"];
    for (let i = 0; i < 199; i++) x = [x];
    let under: unknown = x;
    for (let i = 0; i < 60; i++) under = [under];
    expect(inspectData({ a: x, b: under })).toEqual({ shared: true, problem: { kind: "depth", path: [] } });
    let wide: unknown = Array.from({ length: 10 }, () => "lol");
    for (let i = 0; i < 6; i++) wide = Array.from({ length: 10 }, () => wide);
    expect(inspectData(wide).problem?.kind).toBe("expansion");
    const labels = { app: "a" };
    expect(inspectData({ labels, annotations: labels })).toEqual({ shared: true });
    const cyclic: unknown[] = [];
    cyclic.push(cyclic);
    expect(inspectData(cyclic).problem?.kind).toBe("cycle");
  });

  it("reads the first 10,000 documents of a file and reports the rest once", async () => {
    const r = await lintText(`${HEAD}${"---\n".repeat(10_000)}${HEAD}`);
    expect(found(r)).toEqual(["10003:1 yaml-limit-exceeded"]);
    expect(r.summary.resources).toBe(1);
  });

  it("keeps js-yaml's fast path for a stream of too many documents, at the same place as yaml's", async () => {
    // 20,000 documents went to `yaml` (seconds); the fast path now drops the ones past the limit itself.
    const text = `${HEAD}${Array.from({ length: 20_000 }, (_, i) => `---\n${HEAD.replace("name: c", `name: c${i}`)}`).join("")}`;
    const fast = fastStream(text);
    expect(fast?.documents.length).toBe(10_000);
    expect(text.slice(fast!.overflowAt, fast!.overflowAt! + 20)).toBe(`---\n${HEAD.slice(0, 16)}`);
    const r = await lintText(text);
    expect(found(r)).toEqual([`${3 + 9_999 * 4 + 1}:1 yaml-limit-exceeded`]);
    expect(r.summary.resources).toBe(10_000);
    // Only the documents up to the limit are read: what comes after it (here broken) costs nothing (a 200 MB stream
    // was read whole to keep 10,000 documents).
    const broken = `${HEAD}${"---\n".repeat(10_000)}a: [\n`;
    expect(fastStream(broken)?.overflowAt).toBe(broken.lastIndexOf("---"));
    // A stream whose markers do not account for its documents (`...`) is left to yaml, which counts them itself.
    expect(fastStream(`a: 1\n...\nb: 2\n${"---\n".repeat(10_000)}`)).toBeUndefined();
  });

  it("keeps only the part of a cut stream it read, and places findings in it as before", async () => {
    // With --max-file-size raised, a 200 MB stream of small documents was held whole for the run (its line index
    // built over all of it) to show 10,000 documents: 0.86 GB. Now the text ends after the line of the first
    // document not read; a finding in the documents read is placed as it was (its position comes from the same
    // offsets), and one past the cut is never seen.
    const vs = (name: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: { name: ${name}, namespace: shop }\nspec:\n  hosts: [a]\n  gateways: [nope]\n`;
    const docs = Array.from({ length: 20_000 }, (_, i) => (i === 0 || i === 9_999 || i === 15_000 ? vs(`v${i}`) : HEAD.replace("name: c", `name: c${i}`)));
    const text = docs.join("---\n");
    const cut = fastStream(text)!.overflowAt!;
    const parsed = parseManifests("m.yaml", text);
    expect(parsed.source.text).toBe(text.slice(0, cut + 4));
    expect(parsed.source.lineText(parsed.source.position(cut).line)).toBe("---");
    const r = await lintText(text);
    const lineOf = (offset: number) => text.slice(0, offset).split("\n").length;
    expect(found(r).filter((f) => /gateway-not-found|limit/.test(f))).toEqual([
      "6:14 virtualservice-gateway-not-found",
      `${lineOf(text.indexOf("gateways: [nope]", text.indexOf("v9999")))}:14 virtualservice-gateway-not-found`,
      `${lineOf(cut)}:1 yaml-limit-exceeded`,
    ]);
  });
});

describe("line ends", () => {
  const VS = [
    "apiVersion: networking.istio.io/v1",
    "kind: VirtualService",
    "metadata:",
    "  name: r",
    "  namespace: shop",
    "spec:",
    "  hosts: [reviews]",
    "  gateways: [nope]",
    "  http:",
    "  - route:",
    "    - destination: {host: reviews}",
    "",
  ];
  const positions = (r: Awaited<ReturnType<typeof lint>>) =>
    r.diagnostics.map((d) => `${d.ruleId} ${d.span?.line}:${d.span?.column}-${d.span?.endLine}:${d.span?.endColumn}`);

  it("gives the same positions for LF, CRLF and CR-only files", async () => {
    const lf = positions(await lintText(VS.join("\n")));
    expect(lf).toEqual(["virtualservice-gateway-not-found 8:14-8:18"]);
    expect(positions(await lintText(VS.join("\r\n")))).toEqual(lf);
    expect(positions(await lintText(VS.join("\r")))).toEqual(lf);
  });

  it("reads a CR-only file with an anchor (yaml mis-read it as a syntax error)", async () => {
    const r = await lintText("a: &x 1\rapiVersion: v1\rkind: ConfigMap\rmetadata: {name: c, namespace: shop, labels: {k: *x}}\r");
    expect(found(r)).toEqual(["4:50 schema-invalid"]);
  });

  it("ends a span that runs to the end of a CRLF line before the CR", async () => {
    const text = "apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n  name: b\r\n";
    const r = await lintText(text);
    expect(positions(r)).toEqual(["yaml-duplicate-key 5:3-5:7"]);
  });
});

describe("duplicate keys", () => {
  it("names the whole key and underlines all of it, however it is quoted", async () => {
    const r = await lintText(`apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, "name": b}\n`);
    expect(r.diagnostics.map((d) => [d.message, d.span?.column, d.span?.endColumn])).toEqual([
      ['Key "name" appears more than once in the same mapping.', 21, 27],
    ]);
  });
});

describe("line ends, found by npm run fuzz", () => {
  it("reads meshlint directives on CR-only, CRLF and mixed line ends as on LF", async () => {
    const lf = readRegularTextSync(join(__dirname, "../../fixtures/rules/directive-unused/invalid/unused.yaml")).replace(/\r\n?/g, "\n");
    const expected = found(await lintText(lf));
    expect(expected.length).toBe(3);
    for (const end of ["\r", "\r\n"]) expect(found(await lintText(lf.replace(/\n/g, end))), JSON.stringify(end)).toEqual(expected);
  });

  it("keeps a syntax error at the end of the file inside the file", async () => {
    const r = await lintText("apiVersion: v1\nkind: ConfigMap\ndata: [a,\n");
    const d = r.diagnostics.find((x) => x.ruleId === "yaml-syntax-error")!;
    expect(d.span!.endLine).toBeLessThanOrEqual(4);
    expect(d.span!.end).toBeLessThanOrEqual("apiVersion: v1\nkind: ConfigMap\ndata: [a,\n".length);
  });
});

describe("only regular files are read", () => {
  const mkfifo = (path: string) => spawnSync("mkfifo", [path]).status === 0;

  it("reports a FIFO in a linted folder, and a symlink to one, instead of waiting forever for a writer", async () => {
    const dir = tempRepo({ "a.yaml": `${HEAD}data: { k: v }\n` });
    if (!mkfifo(join(dir, "p.yaml"))) return; // no mkfifo here: nothing to test
    symlinkSync(join(dir, "p.yaml"), join(dir, "link.yaml"));
    const r = await lint(["."], { cwd: dir, config: emptyConfig(dir) });
    expect(r.diagnostics.map((d) => `${d.file} ${d.ruleId} ${d.message}`)).toEqual([
      "link.yaml file-unreadable File could not be read (not a regular file (a FIFO)).",
      "p.yaml file-unreadable File could not be read (not a regular file (a FIFO)).",
    ]);
    expect(r.summary.resources).toBe(1);
  });

  it("refuses a FIFO or a device as --mesh-config, --crds or a baseline with a message, never hangs or fills memory", async () => {
    const dir = tempRepo({ "a.yaml": `${HEAD}data: { k: v }\n` });
    const device = await cli(["--mesh-config", "/dev/zero", "."], dir);
    expect(device.code).toBe(2);
    expect(device.err).toContain("not a regular file (a device)");
    if (!mkfifo(join(dir, "p.fifo"))) return;
    const fifo = await cli(["--mesh-config", "p.fifo", "."], dir);
    expect(fifo.code).toBe(2);
    expect(fifo.err).toContain("not a regular file (a FIFO)");
    const crds = await cli(["-f", "compact", "--crds", "p.fifo", "."], dir);
    expect(crds.code).toBe(2);
    expect(crds.err).toContain("--crds: p.fifo: cannot read it (not a regular file (a FIFO))");
    expect(readRegularTextSync(join(dir, "a.yaml"))).toContain("ConfigMap");
  });
});

describe("nothing is skipped in silence", () => {
  it("reports a folder that cannot be listed", async () => {
    const dir = tempRepo({ "a.yaml": `${HEAD}data: { k: v }\n`, "locked/b.yaml": `${HEAD}data: { k: v }\n` });
    const failing: ListFolder = async (folder) => {
      if (folder.endsWith("locked")) throw Object.assign(new Error("EACCES: permission denied"), { code: "EACCES" });
      return readdir(folder, { withFileTypes: true });
    };
    const r = await load(["."], { cwd: dir, listFolder: failing });
    expect(r.issues.map((i) => `${i.file} ${i.ruleId}/${i.messageId} ${JSON.stringify(i.data)}`)).toEqual([
      'locked file-unreadable/unreadable {"reason":"a folder meshlint cannot list: permission denied"}',
    ]);
    expect(r.resources).toHaveLength(1);
  });

  it("checks standard input's bytes as a file's: UTF-16 and binary data are reported, a BOM shifts no column", async () => {
    const dir = tempRepo({});
    const viaStdin = (stdin: string | Uint8Array) => lint(["-"], { cwd: dir, config: emptyConfig(dir), stdin });
    const text = "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c, namespace: shop, labels: { x: 1 } }\n";
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    expect((await viaStdin(utf16)).diagnostics.map((d) => `${d.file} ${d.ruleId} ${d.message}`)).toEqual([
      expect.stringMatching(/^<stdin> file-skipped .*UTF-16/),
    ]);
    expect((await viaStdin(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1]))).diagnostics.map((d) => d.ruleId)).toEqual(["file-skipped"]);
    const plain = found(await viaStdin(Buffer.from(text)));
    expect(plain.length).toBeGreaterThan(0);
    expect(found(await viaStdin(Buffer.from(`\ufeff${text}`)))).toEqual(plain);
    expect(found(await viaStdin(`\ufeff${text}`))).toEqual(plain);
  });
});
