// Go to Holder on a Node.js program under VS Code's JavaScript debugger: the why chain of a
// Product ends in the module's `store` Map, and of a Promo in the static `Catalog.featured`; the
// action opens the line that declares each (issue 19, item 8).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixturesDir } from '../fixtures/fixtureSite';
import type { LiveReferencesApi } from '../../extension/extension';
import type { InspectedRoot } from '../../extension/ui/views/inspectorTree';
import type { SessionEngine } from '../../extension/ui/sessions/sessionEngines';
import { Commands } from '../../extension/ui/commandIds';
import { orAfter, waitFor } from '../shared/waitFor';
import { api } from './leakyCrawl';
import { ui } from './uiBridge';

const SCRIPT = path.join(fixturesDir(), 'node-holder', 'holder.js');

/** 1-based line of the fixture's `// HOLDER: name` comment. */
function holderLine(name: string): number {
  return fs.readFileSync(SCRIPT, 'utf8').split('\n').findIndex((l) => l.endsWith(`// HOLDER: ${name}`)) + 1;
}

describe('Go to Holder on a Node.js program under js-debug', function () {
  this.timeout(120_000);
  let lr: LiveReferencesApi;
  let entry: SessionEngine;
  const config = () => vscode.workspace.getConfiguration('liveReferences');
  const row = (name: string) => lr.liveRefs.rowsOf(entry.session.id).find((r) => r.className === name);

  /** Reveal Oldest on the row of `className`: its object in Inspected Objects. */
  async function revealOldest(className: string): Promise<InspectedRoot> {
    await waitFor(`a ${className} row`, () => (row(className)?.count ?? 0) > 0, 60_000);
    const before = new Set(lr.inspector.list());
    await vscode.commands.executeCommand(Commands.revealOldest, { kind: 'row', sessionId: entry.session.id, row: row(className)! });
    return waitFor(`an inspected ${className}`, () => lr.inspector.list().find((r) => !before.has(r) && r.summary.typeName === className));
  }

  const editorOn = (line: number) => waitFor(`an editor on holder.js:${line}`, () => {
    const editor = vscode.window.activeTextEditor;
    return editor?.document.uri.fsPath === SCRIPT && editor.selection.active.line === line - 1 && editor;
  }, 15_000);

  before(async () => {
    lr = await api();
    await config().update('trackedClasses', ['Product', 'Promo', 'Basket'], vscode.ConfigurationTarget.Global);
    await config().update('refreshIntervalMs', 1000, vscode.ConfigurationTarget.Global);
    const ok = await vscode.debug.startDebugging(undefined, {
      type: 'pwa-node', request: 'launch', name: 'Node holders', program: SCRIPT, console: 'internalConsole', skipFiles: ['<node_internals>/**'],
    });
    assert.ok(ok, 'startDebugging returned false');
    entry = await waitFor('a Node.js session with an engine', () => lr.sessions.list().find((e) => e.session.type === 'pwa-node' && e.session.name.includes('Node holders')) ??
      lr.sessions.list().find((e) => e.session.type === 'pwa-node'), 30_000);
  });

  after(async () => {
    for (const session of [entry?.session.parentSession, entry?.session]) if (session) await orAfter(vscode.debug.stopDebugging(session), 5000);
    await config().update('trackedClasses', undefined, vscode.ConfigurationTarget.Global);
    await config().update('refreshIntervalMs', undefined, vscode.ConfigurationTarget.Global);
  });

  it('the Holder row of a Product opens `const store = new Map()`, next to the chain labelled by size', async () => {
    const root = await revealOldest('Product');
    const why = await lr.inspector.whyOf(root);
    assert.deepEqual([why.holder?.path, why.holder?.line, why.holder?.name], [SCRIPT, holderLine('store'), 'store'], JSON.stringify(why.hops.map((h) => [h.via, h.label])));
    const shown = await ui<{ rows: string[]; activeLine: string }>('clickHolder', { name: 'store', file: 'holder.js', line: holderLine('store'), screenshot: 'node-holder' });
    assert.ok(shown.rows.some((r) => r.includes('store (Map(300))')), shown.rows.join('\n'));
    const editor = await editorOn(holderLine('store'));
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^const store = new Map\(\);/);
  });

  it('Go to Holder on a Promo opens `static featured = []`; on a Basket kept by a closure it says there is none', async () => {
    const promo = await revealOldest('Promo');
    assert.equal(await vscode.commands.executeCommand(Commands.goToHolder, promo), true);
    const editor = await editorOn(holderLine('Catalog.featured'));
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^\s+static featured = \[\];/);
    const basket = await revealOldest('Basket');
    assert.equal(await vscode.commands.executeCommand(Commands.goToHolder, basket), false);
  });
});
