// Any Python program, not only Scrapy, in a real VS Code: the leaky order service (no Scrapy)
// launched with F5's configuration and liveReferences.trackedClasses = Session, Order. The rows
// come from the launch hook (from the first line), then Reveal Oldest, the leak site and
// Track Most Numerous Classes.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { freePort, PYTHON } from '../fixtures/fixtureSite';
import type { LiveReferencesApi } from '../../extension/extension';
import { Commands } from '../../extension/ui/commandIds';
import { orderLine, SERVICE_SCRIPT } from '../shared/leakyService';
import { waitFor } from '../shared/waitFor';
import { startSession, StartedSession } from './debugSessions';
import { api } from './leakyCrawl';
import { ui } from './uiBridge';

describe('Live References on a Python service without Scrapy (tracked classes)', function () {
  this.timeout(120_000);
  let lr: LiveReferencesApi;
  let service: StartedSession;
  const config = () => vscode.workspace.getConfiguration('liveReferences');
  const rows = () => lr.liveRefs.rowsOf(service.session.id);
  const row = (name: string) => rows().find((r) => r.className === name);

  before(async () => {
    lr = await api();
    await config().update('refreshIntervalMs', 1000, vscode.ConfigurationTarget.Global);
    await config().update('trackedClasses', ['Session', 'Order'], vscode.ConfigurationTarget.Global);
    await config().update('trackedClasses', undefined, vscode.ConfigurationTarget.Workspace);
    service = await startSession({
      type: 'debugpy', request: 'launch', name: 'Leaky service', program: SERVICE_SCRIPT, args: ['--port', String(await freePort())],
      python: PYTHON, console: 'internalConsole', justMyCode: true, env: { LEAKY_LOAD: '1', LEAKY_TIMEOUT_S: '300' },
    });
  });

  after(async () => {
    await service?.stop();
    await config().update('refreshIntervalMs', undefined, vscode.ConfigurationTarget.Global);
    await config().update('trackedClasses', undefined, vscode.ConfigurationTarget.Global);
    await config().update('trackedClasses', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('shows Session and Order rows with ages, Order growing, from the launch hook', async () => {
    assert.equal(service.session.configuration.env?.LIVEREF_TRACK, 'Session,Order');
    assert.equal(path.basename(String(service.session.configuration.env?.PYTHONPATH ?? '').split(path.delimiter)[0]), 'launch');
    await waitFor('Session and Order rows', () => (row('Session')?.count ?? 0) > 0 && (row('Order')?.count ?? 0) > 0, 60_000);
    const first = row('Order')!.count;
    await waitFor('Order to grow', () => row('Order')!.count > first, 30_000);
    assert.ok(row('Order')!.oldestAgeS !== null && !row('Order')!.oldestBeforeAttach, 'hooked from the first line: the oldest Order has an age');
    const shown = await ui<{ rows: string[] }>('liveRefsRows', { classes: ['Session', 'Order'], screenshot: 'any-python-rows' });
    assert.ok(shown.rows.some((r) => /Order/.test(r) && /oldest/.test(r)), shown.rows.join('\n'));
  });

  it('Reveal Oldest opens Order #1, and its leak site is the line that creates Orders', async () => {
    const before = lr.inspector.list().length;
    await ui('clickLiveRefsRow', { className: 'Order' });
    const root = await waitFor('an inspected Order', () => lr.inspector.list().length > before && lr.inspector.list()[0]);
    assert.match(root.summary.repr, /Order #1: /);
    const why = await lr.inspector.whyOf(root);
    assert.equal(why.rootKind, 'module');
    assert.ok(why.hops.some((h) => h.via === '.ORDERS'), JSON.stringify(why.hops.map((h) => h.via)));
    assert.deepEqual([why.leakSite?.path, why.leakSite?.line, why.leakSite?.source], [SERVICE_SCRIPT, orderLine(), 'creation']);
  });

  it('Track Most Numerous Classes offers the service\'s own classes and adds them to the setting', async () => {
    const added = await vscode.commands.executeCommand<string[]>(Commands.trackMostNumerous, 2);
    assert.ok(added?.length, 'nothing offered');
    assert.ok(added.every((name) => name.startsWith('__main__.')), added.join(', '));
    assert.ok(added.includes('__main__.Order'), added.join(', '));
    const tracked = config().get<string[]>('trackedClasses', []);
    assert.ok(added.every((name) => tracked.includes(name)), tracked.join(', '));
  });
});
