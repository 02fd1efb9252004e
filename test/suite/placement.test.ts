// A new user's first session: with VS Code's default debug settings (the Debug Console opens on
// the first session), starting the leaky crawl shows the Live References panel by itself, and a
// click on a row opens the oldest object expanded in Inspected Objects, both in plain sight.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LiveReferencesApi } from '../../extension/extension';
import { sleep, waitFor } from '../shared/waitFor';
import { startSession } from './debugSessions';
import { api, LeakyCrawl, startLeakyCrawl } from './leakyCrawl';
import { ui } from './uiBridge';

interface PaneInfo { title: string; visible: boolean; expanded: boolean; box: { x: number; y: number; width: number; height: number } | null }

describe('Placement: the views in plain sight on the first session', function () {
  this.timeout(120_000);
  let lr: LiveReferencesApi;
  let crawl: LeakyCrawl | undefined;
  const debug = () => vscode.workspace.getConfiguration('debug');

  before(async () => {
    lr = await api();
    // A fresh install's defaults, not the harness's quiet ones.
    await debug().update('internalConsoleOptions', 'openOnFirstSessionStart', vscode.ConfigurationTarget.Global);
    await debug().update('openDebug', 'openOnFirstSessionStart', vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closePanel');
  });

  after(async () => {
    await crawl?.stop();
    await debug().update('internalConsoleOptions', undefined, vscode.ConfigurationTarget.Global);
    await debug().update('openDebug', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('liveReferences').update('revealOnSessionStart', undefined, vscode.ConfigurationTarget.Global);
  });

  it('starting a session reveals Live References and Inspected Objects side by side', async () => {
    const hidden = await ui<{ panes: PaneInfo[] }>('placementPanes', { screenshot: 'placement-before' });
    assert.ok(!hidden.panes.some((p) => p.title === 'Live References' && p.visible), 'Live References was visible before any session');
    crawl = await startLeakyCrawl('Placement crawl');
    await waitFor('HtmlResponse rows', () => (lr.liveRefs.rowsOf(crawl!.session.id).find((r) => r.className === 'HtmlResponse')?.count ?? 0) > 0, 60_000);
    const shown = await ui<{ panes: PaneInfo[] }>('placementPanes', { waitFor: ['Live References', 'Inspected Objects'], rowText: 'HtmlResponse', screenshot: 'placement-session' });
    for (const title of ['Live References', 'Inspected Objects']) {
      const pane = shown.panes.find((p) => p.title === title);
      assert.ok(pane?.visible && pane.expanded, `${title} is not visible and expanded: ${JSON.stringify(shown.panes)}`);
      assert.ok(pane.box && pane.box.width >= 200 && pane.box.height >= 150, `${title} is too small to read: ${JSON.stringify(pane.box)}`);
    }
  });

  it('a click on a row opens its oldest object expanded and focused in Inspected Objects', async () => {
    const before = lr.inspector.list().length;
    await ui('clickLiveRefsRow', { className: 'HtmlResponse' });
    const root = await waitFor('an inspected object', () => lr.inspector.list().length > before && lr.inspector.list()[0]);
    const seen = await ui<{ expanded: boolean; focused: boolean; children: string[] }>('inspectedExpanded', { text: root.summary.url, child: 'Why is this alive?', screenshot: 'placement-inspected' });
    assert.ok(seen.expanded, 'the opened object is collapsed');
    assert.ok(seen.focused, 'Inspected Objects does not have the focus');
    assert.ok(seen.children.some((c) => c.includes('Why is this alive?')), seen.children.join(' | '));
  });

  it('with liveReferences.revealOnSessionStart off, a new session leaves the panel alone', async () => {
    await crawl?.stop();
    crawl = undefined;
    await vscode.workspace.getConfiguration('liveReferences').update('revealOnSessionStart', false, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closePanel');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-placement-'));
    const program = path.join(dir, 'idle.py');
    fs.writeFileSync(program, 'import time\nfor _ in range(600):\n    time.sleep(0.1)\n');
    const idle = await startSession({ type: 'debugpy', request: 'launch', name: 'Placement, reveal off', program, python: '/usr/bin/python3', console: 'internalConsole', cwd: dir });
    try {
      await waitFor('the engine of the session', () => lr.sessions.get(idle.session));
      // The panel must stay hidden: the reveal, had it been on, ran when the engine came; give
      // the page the time it would have taken to show the panel.
      await sleep(1500);
      const seen = await ui<{ panes: PaneInfo[] }>('placementPanes', { screenshot: 'placement-reveal-off' });
      assert.ok(!seen.panes.some((p) => p.title === 'Live References' && p.visible), JSON.stringify(seen.panes));
    } finally {
      await idle.stop();
    }
  });
});
