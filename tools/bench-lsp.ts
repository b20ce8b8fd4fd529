import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import {
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  ExitNotification,
  InitializeRequest,
  InitializedNotification,
  type PublishDiagnosticsParams,
  PublishDiagnosticsNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
  createProtocolConnection,
} from "vscode-languageserver-protocol/node";
import { PACKAGE_ROOT } from "../src/base/package.js";
import { generate } from "./bench-repo.js";
import { cpuMs, load } from "./proc.js";

// `npm run bench:lsp`: how long `meshlint lsp` takes to publish diagnostics after an edit in a 10k-resource
// repository (the bench repository of `npm run bench`). One VirtualService file is opened, then edited again and
// again (route weights; every other edit routes to a subset that does not exist, and back), each time waiting for
// the diagnostics of that version. The time includes the server's 150 ms debounce after the last keystroke.
// Usage: npm run bench:lsp [-- --resources 10000 --edits 20 --meshlint path/to/bin/meshlint.js]

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RESOURCES = Number(option("resources", "10000"));
const EDITS = Number(option("edits", "20"));
const BIN = resolve(option("meshlint", join(PACKAGE_ROOT, "bin", "meshlint.js")));
const DEBOUNCE_MS = 150;

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), "meshlint-bench-lsp-"));
  const repo = join(root, "repo");
  const made = generate(repo, RESOURCES);
  const file = join(repo, "team-0005", "app-3.yaml");
  const uri = pathToFileURL(file).href;
  const original = readFileSync(file, "utf8");
  const server = spawn(process.execPath, [BIN, "lsp", "--stdio"], { cwd: repo, stdio: ["pipe", "pipe", "inherit"] });
  const client = createProtocolConnection(new StreamMessageReader(server.stdout!), new StreamMessageWriter(server.stdin!));
  const waiting = new Map<number, (p: PublishDiagnosticsParams) => void>();
  client.onNotification(PublishDiagnosticsNotification.type, (p: PublishDiagnosticsParams) => {
    if (p.uri === uri && p.version !== undefined) waiting.get(p.version)?.(p);
  });
  client.listen();
  const published = (version: number) => new Promise<PublishDiagnosticsParams>((done) => waiting.set(version, done));
  await client.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(repo).href, workspaceFolders: [{ uri: pathToFileURL(repo).href, name: "bench" }], capabilities: {} });
  await client.sendNotification(InitializedNotification.type, {});

  let started = performance.now();
  const first = published(1);
  await client.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: "yaml", version: 1, text: original } });
  await first;
  const open = performance.now() - started;

  const times: number[] = [];
  const cpuBefore = cpuMs(server.pid!);
  for (let i = 0; i < EDITS; i++) {
    const version = i + 2;
    const weight = 90 - (i % 5);
    let text = original.replace("weight: 90", `weight: ${weight}`).replace("weight: 10", `weight: ${100 - weight}`);
    if (i % 2 === 1) text = text.replace("subset: v2 }\n          weight", "subset: v9 }\n          weight");
    const done = published(version);
    started = performance.now();
    await client.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
    const p = await done;
    times.push(performance.now() - started);
    if (i % 2 === 1 && !p.diagnostics.some((d) => d.code === "virtualservice-subset-not-found")) throw new Error("the edit to subset v9 was not reported");
  }
  const cpuPerEdit = (cpuMs(server.pid!) - cpuBefore) / EDITS;
  await client.sendRequest(ShutdownRequest.type);
  await client.sendNotification(ExitNotification.type);
  server.kill();
  rmSync(root, { recursive: true, force: true });
  const sorted = [...times].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const ms = (n: number) => `${Math.round(n)} ms`;
  console.log(
    [
      `${made.resources.toLocaleString("en")} resources in ${made.files.toLocaleString("en")} files; ${BIN}`,
      `open (first full lint): ${ms(open)}`,
      `${EDITS} edits, change to diagnostics, the ${DEBOUNCE_MS} ms debounce included: median ${ms(at(0.5))}, p90 ${ms(at(0.9))}, max ${ms(sorted[sorted.length - 1]!)}`,
      `the same without the debounce: median ${ms(at(0.5) - DEBOUNCE_MS)}, p90 ${ms(at(0.9) - DEBOUNCE_MS)}`,
      `the server's CPU time per edit: ${ms(cpuPerEdit)}; load average ${load()}`,
    ].join("\n"),
  );
}

void main();
