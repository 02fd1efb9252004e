// Any Python program, not only Scrapy, in a real VS Code: the leaky order service (no Scrapy)
// launched with F5's configuration and liveReferences.trackedClasses = Session, Order. The rows
// come from the launch hook (from the first line), then Reveal Oldest, the leak site, Go to Holder
// (the `ORDERS = {}` line), Orders by via as one row with each sample's index, and Track Most
// Numerous Classes.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { freePort, PYTHON } from '../fixtures/fixtureSite';
import type { LiveReferencesApi } from '../../extension/extension';
import { Commands } from '../../extension/ui/commandIds';
import { orderLine, ordersLine, SERVICE_SCRIPT } from '../shared/leakyService';
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

  it('Go to Holder opens the line that defines ORDERS, next to the leak site; the dict shows as its size', async () => {
    const root = await waitFor('the inspected Order #1', () => lr.inspector.list().find((r) => /^Order #1: /.test(r.summary.repr)));
    const why = await lr.inspector.whyOf(root);
    assert.deepEqual([why.holder?.path, why.holder?.line, why.holder?.name], [SERVICE_SCRIPT, ordersLine(), '__main__.ORDERS']);
    const dictHop = why.hops.find((h) => h.referrer.typeName === 'dict');
    assert.match(dictHop?.label ?? '', /^dict \(\d+ keys\)$/, JSON.stringify(why.hops.map((h) => [h.via, h.label])));
    // From the leak site to the holder: the editor moves from one line to the other.
    assert.equal(await vscode.commands.executeCommand(Commands.goToLeakSite, root), true);
    await waitFor('the editor on the leak site', () => vscode.window.activeTextEditor?.selection.active.line === orderLine() - 1);
    const shown = await ui<{ rows: string[]; activeLine: string }>('clickHolder', { name: '__main__.ORDERS', file: 'service.py', line: ordersLine(), screenshot: 'any-python-holder' });
    assert.ok(shown.rows.some((r) => /Leak site/.test(r)), shown.rows.join('\n'));
    assert.ok(shown.rows.some((r) => /dict \(\d+ keys\)/.test(r)), `the dict as its size: ${shown.rows.join('\n')}`);
    const editor = await waitFor('the editor on ORDERS = {}', () => {
      const e = vscode.window.activeTextEditor;
      return e?.document.uri.fsPath === SERVICE_SCRIPT && e.selection.active.line === ordersLine() - 1 && e;
    });
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^ORDERS = \{\}/);
  });

  it('Partition by Via shows the Orders in ORDERS as one row; each example shows its own index', async () => {
    const node = { kind: 'row', sessionId: service.session.id, row: row('Order')! };
    assert.equal(await vscode.commands.executeCommand(Commands.partitionByVia, node), true);
    const label = '__main__.ORDERS[*]';
    const byVia = await ui<{ labels: string[] }>('partitionClickRow', { label, screenshot: 'any-python-orders-by-via' });
    assert.ok(byVia.labels.includes(label), byVia.labels.join(' | '));
    const { samples } = await ui<{ samples: string[] }>('partitionClickSample', { screenshot: 'any-python-orders-samples' });
    assert.ok(samples.length > 0, 'no examples');
    // ORDERS[order.id] = order: each example's index is its own number (`[1]  Order  Order #1: …`).
    for (const sample of samples) {
      const m = /^\[(\d+)\]\s+Order\s+Order #(\d+):/.exec(sample.trim());
      assert.ok(m && m[1] === m[2], `an example without its own index: ${sample}`);
    }
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
