// Starts `lexproof lsp` for .dl files: the language server does the checking; this file only
// connects the editor to it.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("lexproof").get("path") || "lexproof";
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "lexproof",
    "lexproof",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "lexproof" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
