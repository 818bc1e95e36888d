// End-to-end self-test, run only when LOGSEQ_LSP_SELFTEST_FILE is set (tests/editors/test_vscode.py
// sets it on code-server). It drives the real editor as a user would: open a page, wait for the
// server's diagnostics, hover a card, apply a quick fix, and leave a card hover open on screen for
// a screenshot. Everything it saw goes to LOGSEQ_LSP_SELFTEST_OUT as JSON. Then it answers the
// test's requests (`runOp`) while the test types into the workbench.
//   LOGSEQ_LSP_SELFTEST_HOVER_TEXT  text on the card line to hover (its first occurrence)
//   LOGSEQ_LSP_SELFTEST_FIX_CODE    rule code of the diagnostic to fix (its first occurrence)
//   LOGSEQ_LSP_SELFTEST_FIX_TITLE   start of the quick fix's title
import * as fs from 'fs';
import * as vscode from 'vscode';
import { resolveServer } from './extension';

type Json = Record<string, unknown>;

const SOURCE = 'logseq-lsp';

function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' && d.code !== null ? String(d.code.value) : String(d.code ?? '');
}

// Whether d is rule `code`'s finding, alone or among a card's findings shown as one (whose
// message lists the other rules).
function about(d: vscode.Diagnostic, code: string): boolean {
  return codeOf(d) === code || d.message.includes(code);
}

function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
}

function diagJson(d: vscode.Diagnostic): Json {
  return {
    code: codeOf(d),
    severity: d.severity,
    message: d.message,
    range: [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character],
  };
}

/** Resolves when `check()` returns a value (re-checked on every diagnostics change), or after
 * `ms` with undefined. */
function waitFor<T>(check: () => T | undefined, ms: number): Promise<T | undefined> {
  return new Promise((resolve) => {
    const first = check();
    if (first !== undefined) {
      resolve(first);
      return;
    }
    const done = (v: T | undefined) => {
      sub.dispose();
      clearInterval(poll);
      clearTimeout(timer);
      resolve(v);
    };
    const tryNow = () => {
      const v = check();
      if (v !== undefined) {
        done(v);
      }
    };
    const sub = vscode.languages.onDidChangeDiagnostics(tryNow);
    const poll = setInterval(tryNow, 250);
    const timer = setTimeout(() => done(undefined), ms);
  });
}

function hoverText(h: vscode.Hover): string {
  return h.contents
    .map((c) => (typeof c === 'string' ? c : c instanceof vscode.MarkdownString ? c.value : (c as { value: string }).value))
    .join('\n');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export async function runSelfTest(file: string, outFile: string, log: vscode.OutputChannel): Promise<void> {
  const out: Json = { file, steps: [] as string[] };
  const step = (s: string) => {
    (out.steps as string[]).push(s);
    log.appendLine(`[self-test] ${s}`);
  };
  const started = Date.now();
  try {
    const hoverNeedle = process.env.LOGSEQ_LSP_SELFTEST_HOVER_TEXT ?? '#flashcard';
    const fixCode = process.env.LOGSEQ_LSP_SELFTEST_FIX_CODE ?? 'id-before-title';
    const fixTitle = process.env.LOGSEQ_LSP_SELFTEST_FIX_TITLE ?? '';

    // Which server runs: with no settings and nothing on PATH, the one the .vsix bundles.
    out.server = resolveServer() ?? null;
    out.remoteName = vscode.env.remoteName ?? null;
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    const editor = await vscode.window.showTextDocument(doc, { preview: false });
    step(`opened ${doc.uri.toString()} (${doc.languageId})`);

    const before = await waitFor(() => {
      const d = ours(doc.uri);
      return d.length > 0 ? d : undefined;
    }, 60000);
    if (!before) {
      throw new Error('no diagnostics from logseq-lsp within 60 s');
    }
    out.diagnostics = before.map(diagJson);
    out.diagnosticsMs = Date.now() - started;
    step(`${before.length} diagnostics`);

    // Hover on the card line.
    const hoverOffset = doc.getText().indexOf(hoverNeedle);
    if (hoverOffset < 0) {
      throw new Error(`hover text not found in the page: ${hoverNeedle}`);
    }
    const hoverPos = doc.positionAt(hoverOffset);
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>(
      'vscode.executeHoverProvider',
      doc.uri,
      hoverPos,
    )) ?? [];
    out.hoverPosition = [hoverPos.line, hoverPos.character];
    out.hover = hovers.map(hoverText);
    step(`${hovers.length} hover(s) at ${hoverPos.line}:${hoverPos.character}`);

    // Quick fix for the first diagnostic with fixCode.
    const target = before.find((d) => about(d, fixCode));
    if (!target) {
      throw new Error(`no ${fixCode} diagnostic to fix`);
    }
    out.fixTarget = diagJson(target);
    const actions = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      'vscode.executeCodeActionProvider',
      doc.uri,
      target.range,
      vscode.CodeActionKind.QuickFix.value,
    )) ?? [];
    out.actions = actions.map((a) => a.title);
    out.actionDetails = actions.map((a) => ({
      title: a.title,
      kind: (a as vscode.CodeAction).kind?.value,
      diagnostics: ((a as vscode.CodeAction).diagnostics ?? []).map(codeOf),
      hasEdit: Boolean((a as vscode.CodeAction).edit),
    }));
    // VS Code's own Markdown extension adds actions too: pick the server's by title and diagnostic.
    const action = actions.find(
      (a): a is vscode.CodeAction =>
        !(typeof (a as vscode.Command).command === 'string') &&
        a.title.startsWith(fixTitle) &&
        ((a as vscode.CodeAction).diagnostics ?? [target]).some((d) => about(d, fixCode)),
    );
    if (!action) {
      throw new Error(`no quick fix for ${fixCode} starting with "${fixTitle}" among ${JSON.stringify(out.actions)}`);
    }
    out.applied = action.title;
    const countBefore = before.filter((d) => about(d, fixCode)).length;
    if (action.edit && !(await vscode.workspace.applyEdit(action.edit))) {
      throw new Error('applyEdit returned false');
    }
    if (action.command) {
      await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
    }
    step(`applied "${action.title}"`);
    const after = await waitFor(() => {
      const d = ours(doc.uri);
      return d.filter((x) => about(x, fixCode)).length < countBefore ? d : undefined;
    }, 30000);
    out.diagnosticsAfter = (after ?? ours(doc.uri)).map(diagJson);
    out.fixCountBefore = countBefore;
    out.fixCountAfter = (after ?? ours(doc.uri)).filter((d) => about(d, fixCode)).length;
    out.text = doc.getText();
    if (!after) {
      throw new Error(`the ${fixCode} diagnostic did not go away after the fix`);
    }
    step('the fixed diagnostic went away');

    // The commands: both registered; Restart Server brings the diagnostics back from a new server.
    const commands = await vscode.commands.getCommands(true);
    out.commands = ['logseqLsp.restartServer', 'logseqLsp.showLog'].filter((c) => commands.includes(c));
    await vscode.commands.executeCommand('logseqLsp.showLog');
    await vscode.commands.executeCommand('logseqLsp.restartServer');
    const again = await waitFor(() => {
      const d = ours(doc.uri);
      return d.length > 0 ? d : undefined;
    }, 30000);
    if (!again) {
      throw new Error('no diagnostics after logseqLsp.restartServer');
    }
    out.diagnosticsAfterRestart = again.length;
    step(`restarted: ${again.length} diagnostics`);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.window.showTextDocument(doc, { preview: false });

    // Leave a card hover on screen for the screenshot (the test takes it through Chromium).
    const pos = doc.positionAt(doc.getText().indexOf(hoverNeedle));
    const shown = vscode.window.activeTextEditor ?? editor;
    shown.selection = new vscode.Selection(pos, pos);
    // A few lines of context above, and room below for the hover.
    const top = new vscode.Position(Math.max(0, pos.line - 4), 0);
    shown.revealRange(new vscode.Range(top, top), vscode.TextEditorRevealType.AtTop);
    await sleep(500);
    await vscode.commands.executeCommand('editor.action.showHover');
    await sleep(1500);
    step('hover shown');
    out.ok = true;
  } catch (e) {
    out.error = e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e);
    log.appendLine(`[self-test] failed: ${out.error}`);
  }
  out.ms = Date.now() - started;
  fs.writeFileSync(`${outFile}.tmp`, JSON.stringify(out, null, 2));
  fs.renameSync(`${outFile}.tmp`, outFile);
  if (!out.ok) {
    return;
  }

  // Then the test drives the workbench as a user would (keys and clicks through Chromium) and asks
  // this side for what only the extension host can do or see: `<out>.do-N` holds a JSON
  // {op, ...}; the answer goes to `<out>.done-N`. The last op, "missingServer", points
  // logseqLsp.serverPath at a file that does not exist: the extension must say how to install
  // the server (the test reads the notification in the workbench).
  for (let n = 1; ; n++) {
    const ask = `${outFile}.do-${n}`;
    const deadline = Date.now() + 300000;
    while (!fs.existsSync(ask)) {
      if (Date.now() > deadline) {
        return;
      }
      await sleep(100);
    }
    let answer: Json;
    try {
      answer = { ok: true, ...(await runOp(JSON.parse(fs.readFileSync(ask, 'utf8')) as Json)) };
    } catch (e) {
      answer = { ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
    }
    fs.writeFileSync(`${outFile}.done-${n}.tmp`, JSON.stringify(answer, null, 2));
    fs.renameSync(`${outFile}.done-${n}.tmp`, `${outFile}.done-${n}`);
    step(`op ${n}: ${JSON.stringify(answer).slice(0, 200)}`);
  }
}

/** One step the test asks for (see the end of runSelfTest). */
async function runOp(op: Json): Promise<Json> {
  switch (op.op) {
    case 'problems': {
      // The Problems panel, as View > Problems opens it.
      await vscode.commands.executeCommand('workbench.actions.view.problems');
      return {};
    }
    case 'closePanel': {
      await vscode.commands.executeCommand('workbench.action.closePanel');
      return {};
    }
    case 'cursorAt': {
      // The cursor on the first diagnostic with `code` in `file` (its editor in front): where a
      // user clicks before Ctrl+. (the test presses it).
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(String(op.file)));
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      const d = ours(doc.uri).find((x) => about(x, String(op.code)));
      if (!d) {
        throw new Error(`no ${String(op.code)} diagnostic in ${doc.uri.fsPath}`);
      }
      editor.selection = new vscode.Selection(d.range.start, d.range.start);
      editor.revealRange(d.range, vscode.TextEditorRevealType.InCenter);
      return { line: d.range.start.line, message: d.message };
    }
    case 'newLine': {
      // `file` in front with the cursor on a new empty last line, ready for typing.
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(String(op.file)));
      const editor = await vscode.window.showTextDocument(doc, { preview: false });
      const end = doc.lineAt(doc.lineCount - 1).range.end;
      if (doc.lineAt(doc.lineCount - 1).text !== '') {
        await editor.edit((e) => e.insert(end, '\n'));
      }
      const last = doc.lineAt(doc.lineCount - 1).range.end;
      editor.selection = new vscode.Selection(last, last);
      editor.revealRange(new vscode.Range(last, last), vscode.TextEditorRevealType.InCenter);
      await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
      return { line: last.line };
    }
    case 'texts': {
      // What the editor holds for each file (saved or not), and the cursor's line.
      const texts: Record<string, string> = {};
      for (const f of op.files as string[]) {
        texts[f] = (await vscode.workspace.openTextDocument(vscode.Uri.file(f))).getText();
      }
      const e = vscode.window.activeTextEditor;
      return { texts, activeFile: e?.document.uri.fsPath, cursorLine: e?.selection.active.line };
    }
    case 'missingServer': {
      await vscode.workspace
        .getConfiguration('logseqLsp')
        .update('serverPath', '/nonexistent/logseq-lsp', vscode.ConfigurationTarget.Global);
      return {};
    }
    default:
      throw new Error(`unknown op ${JSON.stringify(op)}`);
  }
}
