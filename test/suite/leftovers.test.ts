// Nothing left behind, in a real VS Code: a program started under `python3 -m debugpy --listen`
// keeps running while a debugpy attach session inspects it. Closing the inspected objects
// releases their handles; after the session disconnects, the agent holds nothing, runs no
// thread, and the objects the program drops die (weakref probes in the program).
import * as assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LiveReferencesApi } from '../../extension/extension';
import { connectDebugpy } from '../../extension/runtimes/python/dap/dapSocketClient';
import { fixturesDir, freePort, PYTHON } from '../fixtures/fixtureSite';
import { evalJson } from '../integration/debuggee';
import { waitFor, withTimeout } from '../shared/waitFor';
import { api } from './leakyCrawl';
import { Commands } from '../../extension/ui/commandIds';

const PROGRAM = path.join(fixturesDir(), '..', 'integration', 'programs', 'held_objects.py');

interface Leftovers { threads: string[]; handles?: { weak: number; strong: number }; cursors?: number; jobs?: number }

describe('Nothing left behind after a debugpy attach session (real workbench)', function () {
  this.timeout(120_000);
  let lr: LiveReferencesApi;
  let child: ChildProcess;
  let port: number;
  let session: vscode.DebugSession;
  const dumpFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-leftovers-')), 'state.json');

  /** The agent's state, read through the attached session itself (debugpy serves one client). */
  async function stateThroughSession(): Promise<Leftovers> {
    fs.rmSync(dumpFile, { force: true });
    await session.customRequest('evaluate', { expression: `__import__('__main__').dump_leftovers(${JSON.stringify(dumpFile)})`, context: 'repl' });
    return waitFor('the state file', () => fs.existsSync(dumpFile) && JSON.parse(fs.readFileSync(dumpFile, 'utf8')) as Leftovers, 10_000);
  }

  /** The same, over a fresh connection once VS Code has detached. */
  async function probe<T>(expression: string): Promise<T> {
    const { evaluator, client } = await connectDebugpy('127.0.0.1', port);
    try { return await evalJson<T>(evaluator, expression); } finally { await client.close(); }
  }

  before(async () => {
    lr = await api();
    port = await freePort();
    child = spawn(PYTHON, ['-Xfrozen_modules=off', '-m', 'debugpy', '--listen', `127.0.0.1:${port}`, PROGRAM, '40', '300'], {
      detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
    });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    await waitFor('the program to be ready', () => out.includes('READY'), 30_000);
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => { if (s.name === 'Attach held objects') { sub.dispose(); resolve(s); } });
    });
    assert.ok(await vscode.debug.startDebugging(undefined, {
      type: 'debugpy', request: 'attach', name: 'Attach held objects', connect: { host: '127.0.0.1', port }, justMyCode: false,
    }));
    session = await withTimeout(started, 30_000, 'the attach session to start');
    await waitFor('the engine of the attach session', () => lr.sessions.get(session));
  });

  after(async () => {
    if (vscode.debug.activeDebugSession?.id === session?.id) await vscode.debug.stopDebugging(session);
    try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
  });

  async function openOldestRequest() {
    const row = { className: 'Request', count: 40, oldestAgeS: 0 };
    const summary = await vscode.commands.executeCommand<{ handle?: string }>(Commands.revealOldest, { kind: 'row', sessionId: session.id, row });
    assert.ok(summary?.handle, 'no oldest Request');
    const root = lr.inspector.list().find((r) => r.summary.handle === summary.handle)!;
    const children = await lr.inspector.getChildren(root);
    const meta = children.find((c) => c.kind === 'value' && c.via === '._meta')!;
    await lr.inspector.getChildren(meta);
    await lr.inspector.whyOf(root);
  }

  it('closing the inspected objects releases every handle they held', async () => {
    await openOldestRequest();
    const held = await stateThroughSession();
    assert.ok(held.handles!.strong > 0, `the meta dict and its list should be held now: ${JSON.stringify(held)}`);
    await vscode.commands.executeCommand(Commands.clearInspected);
    const after = await stateThroughSession();
    assert.deepEqual(after.handles, { weak: 0, strong: 0 });
  });

  it('closing the heap partition releases the handles of its sample objects', async () => {
    const before = lr.partitionMetrics();
    const row = { className: 'Request', count: 40, oldestAgeS: 0 };
    assert.equal(await vscode.commands.executeCommand(Commands.partitionByVia, { kind: 'row', sessionId: session.id, row }), true);
    await waitFor('the partition to be drawn', () => lr.partitionMetrics() !== before, 60_000);
    const shown = await stateThroughSession();
    assert.ok(shown.handles!.weak + shown.handles!.strong > 0, `the samples should have handles: ${JSON.stringify(shown)}`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    await waitFor('the sample handles to go', async () => {
      const state = await stateThroughSession();
      return state.handles!.weak + state.handles!.strong === 0;
    }, 10_000, 300);
  });

  it('after the attach session disconnects, nothing of the agent remains in the still-running program', async () => {
    await openOldestRequest();
    const entry = lr.sessions.get(session)!;
    await entry.engine.iterAll({ className: 'HtmlResponse', offset: 0, limit: 10 });
    await entry.engine.partition({ by: 'via', type: 'dict', limit: 20, samples: 5 });
    const held = await stateThroughSession();
    assert.ok(held.handles!.strong > 0 && held.cursors === 1, JSON.stringify(held));
    const ended = new Promise<void>((resolve) => { const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (s.id === session.id) { sub.dispose(); resolve(); } }); });
    await vscode.debug.stopDebugging(session);
    await ended;
    assert.equal(child.exitCode, null, 'the program stopped with the session');
    assert.equal(lr.inspector.list().filter((r) => r.sessionId === session.id).length, 0);
    let state: Leftovers | undefined;
    await waitFor('the agent to let go', async () => {
      state = await probe<Leftovers>("__import__('__main__').leftovers()");
      return state.threads.length === 0 && state.handles!.weak + state.handles!.strong === 0 && state.cursors === 0 && state.jobs === 0;
    }, 10_000, 500).catch(() => assert.fail(`the agent still holds: ${JSON.stringify(state)}`));
    assert.equal(await probe<number>("__import__('__main__').drop()"), 0, 'objects the program dropped are still alive');
  });
});
