// The heap partition webview in a real VS Code: on the leaky crawl, heap by type → dict by via
// lists the Request meta edge among the top rows, and a sample opens a meta dict holding the
// Response, with the editor on the spider's leak line. And hostile labels render as text.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { leakLine, SPIDER_FILE } from '../fixtures/fixtureSite';
import type { LiveReferencesApi } from '../../extension/extension';
import { waitFor } from '../shared/waitFor';
import { startSession, StartedSession } from './debugSessions';
import { api, LeakyCrawl, startLeakyCrawl } from './leakyCrawl';
import { ui } from './uiBridge';

// Scrapy 2.8 keeps Request.meta in the `_meta` attribute; Python 3.11 stores it as an inline
// value, so the edge is named after the attribute, as Guppy names instance attributes.
const META_EDGE = '._meta';

describe('Heap partition on the leaky crawl', function () {
  this.timeout(180_000);
  let lr: LiveReferencesApi;
  let crawl: LeakyCrawl;

  before(async () => {
    lr = await api();
    // An earlier suite's partition webview (another session's) would answer the UI checks.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    crawl = await startLeakyCrawl('Leaky crawl (partition)', { PYTHONTRACEMALLOC: '25' });
    // Enough leaked responses for their meta dicts to stand out among the interpreter's own dicts.
    await waitFor('400 live responses', () => (lr.liveRefs.rowsOf(crawl.session.id).find((r) => r.className === 'HtmlResponse')?.count ?? 0) >= 400, 120_000);
  });

  after(async () => { await crawl?.stop(); });

  it('drills from heap by type to dict by via, where the meta edge is among the top rows', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.showPartition), true);
    const byType = await ui<{ labels: string[] }>('partitionClickRow', { label: 'dict', screenshot: 'partition-by-type' });
    assert.ok(byType.labels.includes('dict') && byType.labels.includes('str'), byType.labels.join(', '));
    const byVia = await ui<{ labels: string[] }>('partitionRows', { selector: `.partition-table tbody tr[data-label="${META_EDGE}"]`, measure: 'Count', screenshot: 'partition-dict-by-via' });
    const rank = byVia.labels.indexOf(META_EDGE);
    assert.ok(rank >= 0 && rank < 10, `${META_EDGE} at ${rank} in ${byVia.labels.slice(0, 12).join(' | ')}`);
  });

  it('a sample of that row opens a meta dict holding a Response, and its allocation is the leak line', async () => {
    const before = lr.inspector.list().length;
    await ui('partitionClickRow', { label: META_EDGE });
    await ui('partitionClickSample', { screenshot: 'partition-samples' });
    const root = await waitFor('the sample in Inspected Objects', () => lr.inspector.list().length > before && lr.inspector.list()[0]);
    assert.equal(root.summary.typeName, 'dict');
    const children = await lr.inspector.getChildren(root);
    const referer = children.find((c) => c.kind === 'value' && c.via === "['referer']");
    assert.ok(referer && referer.kind === 'value' && /Response/.test(referer.summary.typeName), JSON.stringify(children.map((c) => c.kind === 'value' ? c.via : c.kind)));
    const editor = await waitFor('the editor on the spider', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === SPIDER_FILE && e;
    }, 30_000);
    assert.equal(editor.selection.active.line + 1, leakLine());
  });
});

const HOSTILE_PROGRAM = `
import os, time
class Evil:
    def __repr__(self):
        return '<img src=x onerror="document.body.id=\\'injected\\'"><script>document.body.id="injected"</script>'
# A big list, so that its row is at the top of "list by via" (rows are sorted by size).
hostile = {'<script>document.body.id="injected"</script>': [Evil() for _ in range(3)] * 20000}
print("HOSTILE-READY pid=%d" % os.getpid(), flush=True)
time.sleep(300)
`;
import { Commands } from '../../extension/ui/commandIds';

describe('Heap partition webview with hostile labels', function () {
  this.timeout(120_000);
  let hostile: StartedSession | undefined;
  let dir: string;

  before(async () => {
    const lr = await api();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-hostile-'));
    const program = path.join(dir, 'hostile.py');
    fs.writeFileSync(program, HOSTILE_PROGRAM);
    hostile = await startSession({ type: 'debugpy', request: 'launch', name: 'hostile', program, python: '/usr/bin/python3', console: 'internalConsole', cwd: dir });
    // The program holds its hostile objects, and the extension has an engine for the session.
    await hostile.waitForOutput(/HOSTILE-READY/, 60_000);
    await waitFor('the engine of the session', () => lr.sessions.get(hostile!.session), 30_000);
  });

  after(async () => {
    await hostile?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('renders a <script> label and repr as text, running nothing', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.showPartition), true);
    await ui('partitionClickRow', { label: 'list' });
    const label = `['<script>document.body.id="injected"</script>']`;
    const rows = await ui<{ labels: string[]; html: { scripts: number; injected: boolean } }>('partitionRows', {
      selector: `.partition-table tbody tr td.label`, probeHtml: true, waitForText: label,
    });
    assert.ok(rows.labels.includes(label), rows.labels.slice(0, 10).join(' | '));
    assert.equal(rows.html.injected, false);
    assert.equal(rows.html.scripts, 0, 'a script element carries debuggee text');
    await ui('partitionClickRow', { label });
    const samples = await ui<{ samples: string[]; html: { injected: boolean } }>('partitionClickSample', { probeHtml: true, screenshot: 'partition-hostile' });
    assert.ok(samples.samples.some((s) => s.includes('<script>')), samples.samples.join('\n'));
    assert.equal(samples.html.injected, false);
  });
});
