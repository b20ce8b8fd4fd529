/* global require, module */
/* eslint-disable @typescript-eslint/no-require-imports -- VS Code loads extensions as CommonJS modules */
// A minimal client for `meshlint lsp`: it starts the server over stdio in the workspace and lets it publish
// diagnostics for YAML files as they are opened and edited. The server keeps the repository's index warm.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const [command, ...args] = vscode.workspace.getConfiguration("meshlint").get("command") ?? ["npx", "--no-install", "meshlint", "lsp"];
  const cwd = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const server = { command, args, transport: TransportKind.stdio, options: { cwd, shell: process.platform === "win32" } };
  client = new LanguageClient("meshlint", "meshlint", server, {
    documentSelector: [
      { scheme: "file", language: "yaml" },
      { scheme: "file", pattern: "**/*.{yaml,yml}" },
    ],
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.yaml,*.yml,*.json,.meshlintignore,.gitignore}") },
  });
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client?.stop();
}

module.exports = { activate, deactivate };
