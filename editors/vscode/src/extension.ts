// The logseq-lsp extension: one language client per Logseq graph (a folder holding
// logseq/config.edn), started for the Markdown files of that graph only.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  State,
  TransportKind,
} from 'vscode-languageclient/node';
import { runSelfTest } from './selfTest';

const SECTION = 'logseqLsp';
// Plain text: notifications do not render Markdown.
const INSTALL_HINT =
  'Install the extension for your platform (it bundles the server), or install the server with ' +
  '"cargo install --path server" in a clone of the logseq-lsp repository and put it on your PATH, ' +
  'or set logseqLsp.serverPath.';
const EXE = process.platform === 'win32' ? 'logseq-lsp.exe' : 'logseq-lsp';
/** Where a platform .vsix carries the server (scripts/package-vscode.sh puts it there). */
let bundledServer: string | undefined;

/** Graph root (as a normalised fs path) → its client. */
const clients = new Map<string, LanguageClient>();
let output: vscode.LogOutputChannel;
let missingServerReported = false;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel('Logseq LSP', { log: true });
  bundledServer = path.join(context.extensionPath, 'server', EXE);
  const declared = (context.extension.packageJSON as { contributes?: { configuration?: { properties?: object } } })
    .contributes?.configuration?.properties ?? {};
  serverKeys = Object.keys(declared)
    .map((k) => k.slice(SECTION.length + 1))
    .filter((k) => k !== 'serverPath' && !k.startsWith('trace.'));
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand('logseqLsp.restartServer', restartAll),
    vscode.commands.registerCommand('logseqLsp.showLog', () => output.show(true)),
    vscode.workspace.onDidOpenTextDocument((doc) => void ensureClientFor(doc)),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void startForWorkspaceGraphs()),
    { dispose: () => void stopAll() },
  );
  await startForWorkspaceGraphs();
  for (const doc of vscode.workspace.textDocuments) {
    await ensureClientFor(doc);
  }
  const selfTest = process.env.LOGSEQ_LSP_SELFTEST_FILE;
  if (selfTest) {
    void runSelfTest(selfTest, process.env.LOGSEQ_LSP_SELFTEST_OUT ?? `${selfTest}.selftest.json`, output);
  }
}

export async function deactivate(): Promise<void> {
  await stopAll();
}

/** The nearest folder at or above `file` that holds logseq/config.edn. */
export function findGraphRoot(file: string): string | undefined {
  let dir = path.dirname(path.resolve(file));
  for (;;) {
    if (fs.existsSync(path.join(dir, 'logseq', 'config.edn'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return undefined;
    }
    dir = parent;
  }
}

function isMarkdownFile(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && (doc.languageId === 'markdown' || doc.uri.fsPath.endsWith('.md'));
}

async function ensureClientFor(doc: vscode.TextDocument): Promise<void> {
  if (!isMarkdownFile(doc)) {
    return;
  }
  const root = findGraphRoot(doc.uri.fsPath);
  if (root) {
    await startClient(root);
  }
}

/** Graphs in the workspace (a folder that is a graph, or graphs below it): start their servers
 * at once, so the whole graph is checked before a page is opened. */
async function startForWorkspaceGraphs(): Promise<void> {
  const configs = await vscode.workspace.findFiles('**/logseq/config.edn', '**/node_modules/**', 50);
  for (const uri of configs) {
    await startClient(path.dirname(path.dirname(uri.fsPath)));
  }
}

/** `logseqLsp.serverPath` if set, else the server this platform's .vsix bundles, else
 * `logseq-lsp` on PATH, else undefined. A set serverPath that is not executable gives
 * undefined: the user asked for that one, so no other is used in its place. */
export function resolveServer(): string | undefined {
  const configured = (vscode.workspace.getConfiguration(SECTION).get<string>('serverPath') ?? '').trim();
  if (configured) {
    const p = configured.startsWith('~') ? path.join(process.env.HOME ?? '', configured.slice(1)) : configured;
    return isExecutable(p) ? p : undefined;
  }
  if (bundledServer && isExecutable(bundledServer)) {
    return bundledServer;
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && isExecutable(path.join(dir, EXE))) {
      return path.join(dir, EXE);
    }
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/** The settings the server reads: the extension's settings but its own (serverPath, trace.*).
 * package.json lists them, generated from `logseq-lsp settings` (scripts/gen-vscode-settings.py). */
let serverKeys: string[] = [];

/** The settings the server reads, without unset values (unset keys keep the graph's
 * logseq-lsp.toml or the server's defaults). */
export function serverSettings(scope?: vscode.Uri): Record<string, unknown> {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const out: Record<string, unknown> = {};
  for (const key of serverKeys) {
    const v = cfg.get<unknown>(key);
    if (v === null || v === undefined) {
      continue;
    }
    if (typeof v === 'object' && !Array.isArray(v)) {
      if (Object.keys(v).length > 0) {
        out[key] = { ...v };
      }
    } else {
      out[key] = Array.isArray(v) ? [...v] : v;
    }
  }
  return out;
}

async function startClient(root: string): Promise<void> {
  const key = path.resolve(root);
  if (clients.has(key)) {
    return;
  }
  const command = resolveServer();
  if (!command) {
    reportMissingServer();
    return;
  }
  const rootUri = vscode.Uri.file(key);
  // TransportKind.stdio appends `--stdio`: this runs `logseq-lsp serve --stdio`.
  const serverOptions: ServerOptions = { command, args: ['serve'], transport: TransportKind.stdio };
  // Markdown files of this graph only: a pattern below the root (glob syntax: forward slashes).
  const pattern = `${key.replace(/\\/g, '/').replace(/[[\]{}*?]/g, '?')}/**/*.md`;
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: 'file', language: 'markdown', pattern }],
    workspaceFolder: {
      uri: rootUri,
      name: path.basename(key),
      index: vscode.workspace.getWorkspaceFolder(rootUri)?.index ?? 0,
    },
    initializationOptions: { logseqLsp: serverSettings(rootUri) },
    outputChannel: output,
    traceOutputChannel: output,
    middleware: {
      workspace: {
        // The server asks for the section "logseq-lsp"; VS Code's is "logseqLsp".
        configuration: async (params, token, next) => {
          const result = await next(params, token);
          if (!Array.isArray(result)) {
            return result;
          }
          return params.items.map((item, i) =>
            item.section === 'logseq-lsp' || item.section === SECTION
              ? serverSettings(item.scopeUri ? vscode.Uri.parse(item.scopeUri) : rootUri)
              : result[i],
          );
        },
      },
    },
  };
  const client = new LanguageClient(SECTION, `Logseq LSP (${path.basename(key)})`, serverOptions, clientOptions);
  clients.set(key, client);
  output.appendLine(`[extension] starting ${command} for the graph ${key}`);
  try {
    await client.start();
  } catch (e) {
    clients.delete(key);
    output.appendLine(`[extension] the server failed to start: ${e}`);
    void vscode.window
      .showErrorMessage(`Logseq LSP: the server (${command}) failed to start: ${e}`, 'Show Log')
      .then((c) => c && output.show(true));
  }
}

function reportMissingServer(): void {
  output.appendLine(`[extension] logseq-lsp not found. ${INSTALL_HINT}`);
  if (missingServerReported) {
    return;
  }
  missingServerReported = true;
  const configured = vscode.workspace.getConfiguration(SECTION).get<string>('serverPath');
  const what = configured
    ? `logseqLsp.serverPath (${configured}) is not an executable file.`
    : 'the language server logseq-lsp was not found on PATH.';
  void vscode.window
    .showErrorMessage(`Logseq LSP: ${what} ${INSTALL_HINT}`, 'Open Settings')
    .then((choice) => {
      if (choice) {
        void openServerPathSetting();
      }
    });
}

/** The settings editor on logseqLsp.serverPath, in the tab where it applies: a remote window
 * (code-server, Remote-SSH, WSL) runs the server on the remote machine, and a machine-scoped
 * setting is set in the Remote tab there (the User tab does not list it). */
export async function openServerPathSetting(): Promise<void> {
  const query = `${SECTION}.serverPath`;
  if (vscode.env.remoteName) {
    await vscode.commands.executeCommand('workbench.action.openRemoteSettings', { query });
  } else {
    await vscode.commands.executeCommand('workbench.action.openSettings', query);
  }
}

async function stopAll(): Promise<void> {
  const all = [...clients.values()];
  clients.clear();
  await Promise.all(all.map((c) => (c.state === State.Stopped ? undefined : c.stop().catch(() => undefined))));
}

async function restartAll(): Promise<void> {
  const roots = [...clients.keys()];
  await stopAll();
  missingServerReported = false;
  for (const root of roots) {
    await startClient(root);
  }
  // Graphs that had no server (it was missing until the setting changed) start now too,
  // without waiting for a page to be opened.
  await startForWorkspaceGraphs();
  for (const doc of vscode.workspace.textDocuments) {
    await ensureClientFor(doc);
  }
  output.appendLine(`[extension] restarted ${clients.size} server(s)`);
}

function onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
  if (!e.affectsConfiguration(SECTION)) {
    return;
  }
  if (e.affectsConfiguration(`${SECTION}.serverPath`)) {
    void restartAll();
    return;
  }
  for (const [root, client] of clients) {
    if (client.state === State.Running) {
      void client.sendNotification(DidChangeConfigurationNotification.type, {
        settings: { logseqLsp: serverSettings(vscode.Uri.file(root)) },
      });
    }
  }
}
