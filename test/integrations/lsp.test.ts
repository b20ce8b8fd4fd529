import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  type ProtocolConnection,
  type PublishDiagnosticsParams,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { WarmWorkspace } from "../../src/lsp/workspace.js";
import { ROOT } from "../helpers/fixtures.js";
import { SERVICE_YAML, routeYaml } from "./world.js";

// The server runs as its own process over stdio, as an editor starts it (`meshlint lsp --stdio`), from the current
// sources: they are bundled once into a folder inside the project, so that meshlint finds its schemas and docs.
let bundleDir: string;
let server: ChildProcess;
let client: ProtocolConnection;
const published: PublishDiagnosticsParams[] = [];
let workspace: string;

beforeAll(async () => {
  bundleDir = mkdtempSync(join(ROOT, ".build-lsp-test-"));
  const entry = join(bundleDir, "entry.ts");
  writeFileSync(entry, `import { main } from ${JSON.stringify(join(ROOT, "src", "cli", "entry.ts"))};\nmain();\n`);
  // The lint thread is bundled beside the server, where the server looks for it (as dist/ holds it).
  await build({
    entryPoints: { meshlint: entry, "lint-worker": join(ROOT, "src", "lsp", "lint-worker.ts") },
    outdir: bundleDir,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    logLevel: "silent",
  });
  // Not a tempRepo (removed after each test): the server holds this workspace for the whole file.
  workspace = mkdtempSync(join(tmpdir(), "meshlint-lsp-"));
  writeFileSync(join(workspace, "service.yaml"), SERVICE_YAML);
  writeFileSync(join(workspace, "vs.yaml"), routeYaml("v1"));
  server = spawn(process.execPath, [join(bundleDir, "meshlint.js"), "lsp", "--stdio"], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
  client = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  client.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => {
    published.push(p);
  });
  client.listen();
  const init = await client.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: pathToFileURL(workspace).href,
    workspaceFolders: [{ uri: pathToFileURL(workspace).href, name: "ws" }],
    capabilities: {},
  });
  expect(init.serverInfo?.name).toBe("meshlint");
  await client.sendNotification(InitializedNotification.type, {});
}, 60_000);

afterAll(async () => {
  if (client) {
    await client.sendRequest(ShutdownRequest.type).catch(() => undefined);
    await client.sendNotification(ExitNotification.type).catch(() => undefined);
    client.dispose();
  }
  server?.kill();
  for (const dir of [bundleDir, workspace]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The next diagnostics published for `uri` at `version` or later. */
async function diagnosticsFor(uri: string, version: number, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
  const start = Date.now();
  for (;;) {
    const found = published.find((p) => p.uri === uri && (p.version ?? 0) >= version);
    if (found) {
      published.splice(published.indexOf(found), 1);
      return found;
    }
    if (Date.now() - start > timeoutMs) throw new Error(`no diagnostics for ${uri} v${version}: ${JSON.stringify(published)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("meshlint lsp", () => {
  it("publishes a diagnostic at the right range on open, and clears it when the mistake is fixed", async () => {
    const uri = pathToFileURL(join(workspace, "vs.yaml")).href;
    const broken = routeYaml("v2");
    await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "yaml", version: 1, text: broken } });
    const first = await diagnosticsFor(uri, 1);
    expect(first.diagnostics).toHaveLength(1);
    const [d] = first.diagnostics;
    // Line 8, columns 45-47 (1-based) of the file: `v2`.
    expect(d!.range).toEqual({ start: { line: 7, character: 44 }, end: { line: 7, character: 46 } });
    expect(broken.split("\n")[7]!.slice(44, 46)).toBe("v2");
    expect(d!.severity).toBe(1);
    expect(d!.code).toBe("virtualservice-subset-not-found");
    expect(d!.source).toBe("meshlint");
    expect(d!.codeDescription?.href).toMatch(/rules\/istio\/virtualservice-subset-not-found\.md$/);
    expect(d!.message).toContain('Subset "v2"');
    // The subset is defined in another file, which the server read from disk: the index is the whole workspace.

    await client.sendNotification(DidChangeTextDocumentNotification.type, {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 7, character: 44 }, end: { line: 7, character: 46 } }, text: "v1" }],
    });
    const fixed = await diagnosticsFor(uri, 2);
    expect(fixed.diagnostics).toEqual([]);
  });

  it("uses unsaved text of other open documents, and clears a closed document", async () => {
    const vs = pathToFileURL(join(workspace, "vs.yaml")).href;
    const service = pathToFileURL(join(workspace, "service.yaml")).href;
    // Removing subset v1 from the DestinationRule, unsaved, breaks the route in the other open document.
    await client.sendNotification(DidOpenTextDocumentNotification.type, {
      textDocument: { uri: service, languageId: "yaml", version: 1, text: SERVICE_YAML.replace("name: v1", "name: v0") },
    });
    const broken = await diagnosticsFor(vs, 2);
    expect(broken.diagnostics.map((d) => d.code)).toEqual(["virtualservice-subset-not-found"]);
    await client.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: service } });
    const cleared = await diagnosticsFor(service, 0);
    expect(cleared.diagnostics).toEqual([]);
    // Closed without saving: the file on disk counts again, and the route is fine.
    const again = await diagnosticsFor(vs, 2);
    expect(again.diagnostics).toEqual([]);
  });
});

describe("meshlint lsp on bad input", () => {
  it("ignores URIs Node cannot convert and documents outside the workspace, and keeps serving", async () => {
    const vs = pathToFileURL(join(workspace, "vs.yaml")).href;
    const elsewhere = mkdtempSync(join(tmpdir(), "meshlint-lsp-elsewhere-"));
    try {
      // A UNC host and an encoded slash made the next lint throw and the process exit; a document outside the
      // workspace joined its index (the same Service twice: a false resource-duplicate).
      for (const uri of ["file://server/share/x.yaml", "file:///tmp/a%2Fb.yaml", pathToFileURL(join(elsewhere, "service.yaml")).href]) {
        await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "yaml", version: 1, text: SERVICE_YAML } });
      }
      await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: vs, languageId: "yaml", version: 7, text: routeYaml("v1") } });
      expect((await diagnosticsFor(vs, 7)).diagnostics).toEqual([]);
      expect(published.filter((p) => !p.uri.startsWith(pathToFileURL(workspace).href) && p.diagnostics.length)).toEqual([]);
    } finally {
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  it("ends, instead of hanging silent, after a header it cannot read (Content-Length: abc)", async () => {
    const child = spawn(process.execPath, [join(bundleDir, "meshlint.js"), "lsp", "--stdio"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    let err = "";
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    child.stdin!.write("Content-Length: abc\r\n\r\n{}");
    const code = await new Promise<number | null>((done) => {
      const timer = setTimeout(() => {
        child.kill();
        done(null);
      }, 20_000);
      child.on("exit", (c) => {
        clearTimeout(timer);
        done(c);
      });
    });
    expect(code).toBe(1);
    expect(err).toContain("unreadable message from the client");
  }, 30_000);
});

describe("meshlint lsp on documents it cannot lint in time", () => {
  /** A server of its own on the shared workspace, initialized, with what it publishes. */
  async function ownServer(initializationOptions: object, cli = join(bundleDir, "meshlint.js")) {
    const child = spawn(process.execPath, [cli, "lsp", "--stdio"], { cwd: ROOT, stdio: ["pipe", "pipe", "inherit"] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const seen: PublishDiagnosticsParams[] = [];
    connection.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => void seen.push(p));
    connection.listen();
    const exited = new Promise<number | null>((done) => child.on("exit", done));
    await connection.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(workspace).href, capabilities: {}, initializationOptions });
    await connection.sendNotification(InitializedNotification.type, {});
    const close = () => {
      connection.dispose();
      child.kill();
    };
    return { connection, seen, exited, close };
  }

  async function stopsPastTimeBound(cli?: string) {
    // A bound of 1 ms: no lint can finish in it, as a runaway lint could not in the default 5 minutes.
    const { connection, seen, exited, close } = await ownServer({ lintTimeoutMs: 1 }, cli);
    try {
      const uri = pathToFileURL(join(workspace, "vs.yaml")).href;
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "yaml", version: 3, text: routeYaml("v2") } });
      for (let waited = 0; !seen.some((p) => p.uri === uri) && waited < 20_000; waited += 25) await new Promise((r) => setTimeout(r, 25));
      const stopped = seen.find((p) => p.uri === uri)!;
      expect(stopped.version).toBe(3);
      expect(stopped.diagnostics.map((d) => [d.code, d.severity])).toEqual([["lint-stopped", 2]]);
      expect(stopped.diagnostics[0]!.message).toContain("time bound of 0.001 s");
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      expect(await exited).toBe(0);
    } finally {
      close();
    }
  }

  it("stops a lint past its time bound, says so on the document, and still answers shutdown", () => stopsPastTimeBound(), 40_000);

  // The shipped CLI is a bundle (scripts/build-cli.mjs): its server must find the lint thread too, or it lints on its
  // own thread, where no time bound can stop a lint.
  const shipped = join(ROOT, "dist", "cli", "meshlint.cjs");
  it.skipIf(!existsSync(shipped))("bounds lints in the shipped CLI bundle (dist/cli) too; skipped where it is not built", () =>
    stopsPastTimeBound(join(ROOT, "bin", "meshlint.js")), 40_000);

  it("answers shutdown while a long lint runs, instead of after it", async () => {
    const { connection, seen, exited, close } = await ownServer({});
    try {
      // Linted in the server's only thread, these 10,000 objects held shutdown and exit until their findings were
      // published (seconds); in the lint thread, shutdown stops the lint and nothing more is published. The pause
      // lets the lint begin first: it only orders the messages, nothing here is timed.
      const uri = pathToFileURL(join(workspace, "many.yaml")).href;
      const text = Array.from({ length: 10_000 }, (_, i) => `---\napiVersion: v1\nkind: Service\nmetadata: { name: s${i}, namespace: shop }\nspec: { selector: { app: a${i} }, ports: [{ name: http, port: 80 }] }\n`).join("");
      await connection.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "yaml", version: 1, text } });
      await new Promise((r) => setTimeout(r, 500));
      await connection.sendRequest(ShutdownRequest.type);
      await connection.sendNotification(ExitNotification.type);
      expect(await exited).toBe(0);
      expect(seen.filter((p) => p.uri === uri)).toEqual([]);
    } finally {
      close();
    }
  }, 40_000);
});

describe("the warm workspace behind the server", () => {
  it("reads the repository once, then re-parses only buffers and files that changed", async () => {
    const dir = mkdtempSync(join(tmpdir(), "meshlint-warm-"));
    try {
      writeFileSync(join(dir, "service.yaml"), SERVICE_YAML);
      writeFileSync(join(dir, "vs.yaml"), routeYaml("v1"));
      const ws = new WarmWorkspace(dir);
      const buffers = new Map<string, string>();
      // After an edit only the checks it can change run again; what they find must be what a full lint finds.
      const lintBoth = async () => {
        const quick = await ws.lint();
        const fresh = new WarmWorkspace(dir);
        for (const [path, text] of buffers) fresh.setBuffer(path, text);
        const shown = (r: typeof quick) => r.diagnostics.map((d) => `${d.file}:${d.span?.line}:${d.span?.column} ${d.ruleId} ${d.message}`);
        expect(shown(quick)).toEqual(shown(await fresh.lint()));
        return quick;
      };
      expect((await lintBoth()).diagnostics).toEqual([]);
      ws.setBuffer(join(dir, "vs.yaml"), routeYaml("v2"));
      buffers.set(join(dir, "vs.yaml"), routeYaml("v2"));
      expect((await lintBoth()).diagnostics.map((d) => `${d.file}:${d.span?.line}`)).toEqual(["vs.yaml:8"]);
      // A file changed on disk (the editor reports it) is read again; a new one is added.
      writeFileSync(join(dir, "service.yaml"), SERVICE_YAML.replace("name: v1", "name: v2"));
      ws.fileChanged(join(dir, "service.yaml"));
      writeFileSync(join(dir, "other.yaml"), routeYaml("v3", "other"));
      ws.fileChanged(join(dir, "other.yaml"));
      expect((await lintBoth()).diagnostics.map((d) => `${d.file}:${d.span?.line}`)).toEqual(["other.yaml:8"]);
      ws.dropBuffer(join(dir, "vs.yaml"));
      buffers.delete(join(dir, "vs.yaml"));
      expect((await lintBoth()).diagnostics.map((d) => d.file)).toEqual(["other.yaml", "vs.yaml"]);
      // A file that stops parsing, then parses again.
      ws.setBuffer(join(dir, "other.yaml"), "kind: [\n");
      buffers.set(join(dir, "other.yaml"), "kind: [\n");
      expect((await lintBoth()).diagnostics.map((d) => `${d.file} ${d.ruleId}`)).toEqual(["other.yaml yaml-syntax-error", "vs.yaml virtualservice-subset-not-found"]);
      ws.dropBuffer(join(dir, "other.yaml"));
      buffers.delete(join(dir, "other.yaml"));
      expect((await lintBoth()).diagnostics.map((d) => d.file)).toEqual(["other.yaml", "vs.yaml"]);
      expect(ws.fullReads).toBe(1);
      expect(ws.relints).toBe(5);
      // A document that cannot be read but names its object: references to it resolve while it is broken, and
      // stop resolving once it is gone (the edit replaces the unreadable object too).
      const api = join(dir, "api.yaml");
      const apiRoute = join(dir, "api-route.yaml");
      const routeToApi = routeYaml("v2", "api").replace("  http:", "  gateways: [api-gateway]\n  http:");
      const brokenApi = "apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: { name: api-gateway, namespace: shop }\nspec:\n  servers:\n    - port: {PORT}/80\n";
      for (const [path, text] of [[apiRoute, routeToApi], [api, brokenApi]] as const) {
        ws.setBuffer(path, text);
        buffers.set(path, text);
      }
      const shownRules = async () => (await lintBoth()).diagnostics.map((d) => `${d.file} ${d.ruleId}`);
      expect(await shownRules()).toEqual(["api.yaml yaml-syntax-error", "other.yaml virtualservice-subset-not-found", "vs.yaml virtualservice-subset-not-found"]);
      ws.setBuffer(api, "");
      buffers.set(api, "");
      expect(await shownRules()).toContain("api-route.yaml virtualservice-gateway-not-found");
      for (const path of [api, apiRoute]) {
        ws.dropBuffer(path);
        buffers.delete(path);
      }
      // A settings file changing makes the next lint read everything again.
      writeFileSync(join(dir, ".meshlint.yaml"), "rules:\n  virtualservice-subset-not-found: off\n");
      ws.fileChanged(join(dir, ".meshlint.yaml"));
      expect((await ws.lint()).diagnostics).toEqual([]);
      expect(ws.fullReads).toBe(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
