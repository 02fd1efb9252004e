// The product on a leaky Node.js program launched by VS Code's own JavaScript debugger (js-debug,
// shipped with the workbench): the Node engine joins through js-debug's CDP proxy. Exact counts,
// ages, Reveal oldest, Go to Class, the via partition in the webview, and a program exiting in
// the middle of a call.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { fixturesDir } from '../fixtures/fixtureSite';
import type { LiveReferencesApi } from '../../extension/extension';
import type { SessionEngine } from '../../extension/ui/sessions/sessionEngines';
import { orAfter, sleep, waitFor } from '../shared/waitFor';
import { api } from './leakyCrawl';
import { ui } from './uiBridge';
import { startNodeProgram } from '../fixtures/nodeProgram';
import { Commands } from '../../extension/ui/commandIds';

const SCRIPT = path.join(fixturesDir(), 'node-leaky', 'leaky.js');
const NAME = 'Leaky Node crawler';

describe('Live References on a Node.js program under js-debug', function () {
  this.timeout(120_000);
  let lr: LiveReferencesApi;
  let entry: SessionEngine;
  const events: string[] = [];
  const disposables: vscode.Disposable[] = [];
  const config = () => vscode.workspace.getConfiguration('liveReferences');
  const rows = () => lr.liveRefs.rowsOf(entry.session.id);
  const row = (name: string) => rows().find((r) => r.className === name);
  const evaluate = async (expression: string) =>
    String((await entry.session.customRequest('evaluate', { expression, context: 'repl' }) as { result: string }).result).replace(/^'|'$/g, '');

  before(async () => {
    lr = await api();
    await config().update('trackedClasses', ['Request', 'Response'], vscode.ConfigurationTarget.Global);
    await config().update('refreshIntervalMs', 1000, vscode.ConfigurationTarget.Global);
    disposables.push(vscode.debug.registerDebugAdapterTrackerFactory('pwa-node', {
      createDebugAdapterTracker: () => ({ onDidSendMessage: (m: { type?: string; event?: string }) => { if (m.type === 'event' && m.event === 'stopped') events.push(m.event); } }),
    }));
    const ok = await vscode.debug.startDebugging(undefined, {
      type: 'pwa-node', request: 'launch', name: NAME, program: SCRIPT, console: 'internalConsole',
      env: { LEAKY_GLOBAL_CONTROL: '1' }, skipFiles: ['<node_internals>/**'],
    });
    assert.ok(ok, 'startDebugging returned false');
    entry = await waitFor('a Node.js session with an engine', () => lr.sessions.list().find((e) => e.session.type === 'pwa-node'), 30_000);
  });

  after(async () => {
    for (const d of disposables) d.dispose();
    for (const session of [entry?.session.parentSession, entry?.session]) if (session) await orAfter(vscode.debug.stopDebugging(session), 5000);
    await config().update('trackedClasses', undefined, vscode.ConfigurationTarget.Global);
    await config().update('refreshIntervalMs', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows Request and Response rows with exact counts while the program runs unpaused', async () => {
    await waitFor('Request and Response rows', () => (row('Response')?.count ?? 0) > 0 && row('Request'), 60_000);
    // Once the rebinding breakpoints have fired, every construction counts: the row grows.
    const seeded = row('Response')!.count;
    await waitFor('Responses counted as they are made', () => (row('Response')?.count ?? 0) > seeded && (row('Request')?.count ?? 0) > 0, 30_000);
    const expected = JSON.parse(await evaluate('leakyControl.pause()')) as { requests: number; responses: number };
    try {
      await vscode.commands.executeCommand(Commands.refresh);
      assert.equal(row('Response')?.count, expected.responses);
      assert.equal(row('Request')?.count, expected.requests);
    } finally {
      await evaluate('leakyControl.resume()');
    }
    await waitFor('the oldest Response over 1 s older than the oldest Request', async () => {
      await vscode.commands.executeCommand(Commands.refresh);
      return row('Response')!.oldestAgeS! > row('Request')!.oldestAgeS! + 1;
    }, 15_000, 250).catch(() => undefined);
    assert.ok(row('Response')!.oldestAgeS! > row('Request')!.oldestAgeS! + 1, JSON.stringify(rows()));
    assert.deepEqual(events, [], 'the program was paused');
    await ui('liveRefsRows', { classes: ['Request', 'Response'], screenshot: 'node-live-references' });
  });

  it('Reveal oldest opens the first Response; Go to Class opens its class line', async () => {
    const node = { kind: 'row', sessionId: entry.session.id, row: row('Response')! };
    const oldest = await vscode.commands.executeCommand<{ url?: string } | undefined>(Commands.revealOldest, node);
    assert.match(oldest?.url ?? '', /^http:\/\/127\.0\.0\.1\/(start|page)\//);
    const root = await waitFor('the oldest Response in Inspected Objects', () => lr.inspector.list().find((r) => r.summary.url === oldest!.url));
    assert.equal(await vscode.commands.executeCommand(Commands.goToClass, root), true);
    const editor = await waitFor('an editor on leaky.js', () => vscode.window.activeTextEditor?.document.uri.fsPath === SCRIPT && vscode.window.activeTextEditor);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^class Response \{/);
    const why = await lr.inspector.whyOf(root);
    assert.equal(why.hops[0]?.via, 'referer', JSON.stringify(why).slice(0, 1500));
    assert.match(fs.readFileSync(SCRIPT, 'utf8').split('\n')[why.leakSite!.line - 1], /function crawl\(\)/);
  });

  it('Partition by Via on the Response row shows referer in the webview', async () => {
    const node = { kind: 'row', sessionId: entry.session.id, row: row('Response')! };
    assert.equal(await vscode.commands.executeCommand(Commands.partitionByVia, node), true);
    const seen = await ui<{ labels: string[] }>('partitionRows', { selector: '.partition-table tbody tr[data-label="referer"]', measure: 'Count', screenshot: 'node-partition-by-via' });
    assert.equal(seen.labels[0], 'referer', seen.labels.join(' | '));
  });

  it('a program that exits in the middle of a call ends the session cleanly', async () => {
    const pending = entry.engine.partition({ by: 'type', limit: 10 }).then(() => 'finished', (e: Error) => e.message);
    await evaluate('leakyControl.exit()');
    const outcome = await orAfter(pending, 30_000, 'hung');
    assert.notEqual(outcome, 'hung');
    await waitFor('the session to end', () => !lr.sessions.list().some((e) => e.session.id === entry.session.id), 30_000);
    await waitFor('the view to say the session ended', () => lr.liveRefs.stateOf(entry.session.id)?.kind === 'ended' || !lr.liveRefs.stateOf(entry.session.id), 10_000);
  });

  it('Attach to Node.js Inspector joins a bare node --inspect program through js-debug', async () => {
    const program = await startNodeProgram(SCRIPT);
    try {
      await program.waitFor(/leaky crawler started/);
      const known = new Set(lr.sessions.list().map((e) => e.session.id));
      assert.equal(await vscode.commands.executeCommand(Commands.attachNode, `127.0.0.1:${program.port}`), true);
      const attached = await waitFor('an engine on the attached program', () => lr.sessions.list().find((e) => !known.has(e.session.id) && e.session.type === 'pwa-node'), 30_000);
      await waitFor('Response rows of the attached program', () => (lr.liveRefs.rowsOf(attached.session.id).find((r) => r.className === 'Response')?.count ?? 0) > 0, 60_000);
      for (const session of [attached.session.parentSession, attached.session]) if (session) await orAfter(vscode.debug.stopDebugging(session), 5000);
      // Detaching leaves the program running: half a second to show it does not exit.
      await sleep(500);
      assert.equal(program.process.exitCode, null);
    } finally {
      await program.stop();
    }
  });
});
