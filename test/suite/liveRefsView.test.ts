// The product on the seed's leaky crawl, in a real VS Code with a real debugpy session: the Live
// References view, Reveal oldest, Iterate all, Go to leak site and the ignore action, driven
// through the UI (test/workbench/ui/product.mjs) where a user would click.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { leakLine, SPIDER_FILE } from '../fixtures/fixtureSite';
import type { LiveReferencesApi } from '../../extension/extension';
import type { InspectedRoot } from '../../extension/ui/views/inspectorTree';
import { waitFor } from '../shared/waitFor';
import { api, LeakyCrawl, startLeakyCrawl } from './leakyCrawl';
import { ui } from './uiBridge';
import { Commands } from '../../extension/ui/commandIds';

describe('Live References on the leaky Scrapy crawl', function () {
  this.timeout(120_000);
  let lr: LiveReferencesApi;
  let crawl: LeakyCrawl;
  const config = () => vscode.workspace.getConfiguration('liveReferences');
  const rows = () => lr.liveRefs.rowsOf(crawl.session.id);
  const count = (name: string) => rows().find((r) => r.className === name)?.count ?? 0;

  before(async () => {
    lr = await api();
    await config().update('refreshIntervalMs', 1000, vscode.ConfigurationTarget.Global);
    await config().update('ignore', [], vscode.ConfigurationTarget.Global);
    // The ignore action writes to the workspace when a folder is open: start from no override there.
    await config().update('ignore', undefined, vscode.ConfigurationTarget.Workspace);
    // No tracemalloc: the leak site comes from the creation-site hook the extension puts on the
    // launch's PYTHONPATH (liveReferences.creationSites, on by default).
    crawl = await startLeakyCrawl('Leaky crawl');
  });

  after(async () => {
    await crawl?.stop();
    await config().update('refreshIntervalMs', undefined, vscode.ConfigurationTarget.Global);
    await config().update('ignore', undefined, vscode.ConfigurationTarget.Global);
    await config().update('ignore', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('shows HtmlResponse and Request rows whose counts grow while the crawl runs unpaused', async () => {
    await waitFor('HtmlResponse and Request rows', () => count('HtmlResponse') > 0 && count('Request') > 0, 60_000);
    const first = count('HtmlResponse');
    await waitFor('HtmlResponse to grow', () => count('HtmlResponse') > first, 30_000);
    assert.ok(!crawl.events.includes('stopped'), 'the program was paused');
    const shown = await ui<{ rows: string[] }>('liveRefsRows', { classes: ['HtmlResponse', 'Request'] });
    assert.ok(shown.rows.some((r) => r.includes('HtmlResponse')));
    const responses = rows().find((r) => r.className === 'HtmlResponse')!;
    assert.ok(responses.oldestAgeS !== null && responses.oldestAgeS >= 1, 'the oldest response has an age');
  });

  it('Reveal oldest (a click on the row) opens the first product page', async () => {
    const before = lr.inspector.list().length;
    await ui('clickLiveRefsRow', { className: 'HtmlResponse' });
    const root = await waitFor('an inspected object', () => lr.inspector.list().length > before && lr.inspector.list()[0]);
    assert.equal(root.summary.url, crawl.site.firstProductUrl);
    await ui('inspectorShows', { text: crawl.site.firstProductUrl, screenshot: 'inspector' });
  });

  it('Go to leak site leaves the editor on the spider\'s meta={\'referer\': response} line', async () => {
    const root = lr.inspector.list().find((r) => r.summary.url === crawl.site.firstProductUrl)!;
    assert.ok(root, 'the oldest response is not open');
    const launchPath = String(crawl.session.configuration.env?.PYTHONPATH ?? '').split(path.delimiter)[0];
    assert.equal(path.basename(launchPath), 'launch', 'the creation-site hook is not on the launch PYTHONPATH');
    const why = await lr.inspector.whyOf(root);
    assert.equal(why.tracemalloc, false);
    assert.equal(why.creationSites, true);
    assert.deepEqual([why.leakSite?.path, why.leakSite?.line, why.leakSite?.source], [SPIDER_FILE, leakLine(), 'creation']);
    const shown = await ui<{ rows: string[] }>('clickLeakSite', { url: root.summary.url });
    assert.ok(shown.rows.some((r) => /Leak site/.test(r) && /leaky\.py:\d+ · creation site/.test(r)), shown.rows.join('\n'));
    const onLeakLine = async () => {
      const editor = await waitFor('an editor on the spider', () => {
        const e = vscode.window.activeTextEditor;
        return e && e.document.uri.fsPath === SPIDER_FILE && e;
      }, 30_000);
      await waitFor('the leak line', () => editor.selection.active.line + 1 === leakLine(), 5_000).catch(() => undefined);
      assert.equal(editor.selection.active.line + 1, leakLine());
      assert.match(editor.document.lineAt(editor.selection.active.line).text, /meta=\{'referer': response\}/);
    };
    await onLeakLine();
    // The command itself, from the oldest response, after the editor moved elsewhere.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(await vscode.commands.executeCommand(Commands.goToLeakSite, root), true);
    await onLeakLine();
  });

  it('turning liveReferences.creationSites off puts Scrapy\'s own __new__ back in the running program, and on again', async () => {
    const entry = lr.sessions.list().find((e) => e.session.id === crawl.session.id)!;
    assert.equal((await entry.engine.info()).creationSites, true);
    await config().update('creationSites', false, vscode.ConfigurationTarget.Global);
    await waitFor('the hook removed', async () => (await entry.engine.info()).creationSites === false, 15_000, 250);
    await config().update('creationSites', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('the hook back', async () => (await entry.engine.info()).creationSites === true, 15_000, 250);
  });

  it('Iterate all lists the live responses and opening one works', async () => {
    const node = { kind: 'row', sessionId: crawl.session.id, row: rows().find((r) => r.className === 'HtmlResponse')! };
    const picked = vscode.commands.executeCommand<{ url?: string } | undefined>(Commands.iterateAll, node);
    const shown = await ui<{ items: string[] }>('pickFromIterateAll', { filter: 'pid=1', minItems: 1 });
    assert.ok(shown.items.length >= 1);
    assert.ok(shown.items.every((i) => /pid=1/i.test(i)), shown.items.join('\n'));
    const summary = await picked;
    assert.ok(summary?.url && /pid=1/.test(summary.url), `picked ${JSON.stringify(summary)}`);
    await waitFor('the picked response in Inspected Objects', () => lr.inspector.list().some((r: InspectedRoot) => r.summary.url === summary!.url));
  });

  it('the ignore action hides the spider row', async () => {
    await waitFor('the LeakySpider row', () => count('LeakySpider') > 0);
    await ui('ignoreLiveRefsRow', { className: 'LeakySpider' });
    await waitFor('LeakySpider to be hidden', () => count('LeakySpider') === 0 && count('HtmlResponse') > 0);
    assert.deepEqual(config().get('ignore'), ['LeakySpider']);
    await ui('liveRefsRows', { classes: ['HtmlResponse'], absent: ['LeakySpider'], screenshot: 'live-references' });
  });

  it('an object the program no longer has shows a calm message in place', async () => {
    const root = lr.inspector.list()[0];
    const entry = lr.sessions.list().find((e) => e.session.id === crawl.session.id)!;
    await entry.engine.release([root.summary.handle!]);
    // The age tick reuses loaded attributes; the next reload asks the program again.
    lr.inspector.refresh();
    const children = await lr.inspector.getChildren(root);
    const message = children.find((c) => c.kind === 'link' && /no longer alive/.test(c.label));
    assert.ok(message, JSON.stringify(children.map((c) => c.kind === 'link' ? c.label : c.kind)));
  });

  it('shows a clear "session ended" state with the last rows when the program stops', async () => {
    const id = crawl.session.id;
    await crawl.stop();
    const state = await waitFor('the ended state', () => lr.liveRefs.stateOf(id)?.kind === 'ended' && lr.liveRefs.stateOf(id));
    assert.ok(state.kind === 'ended' && state.snapshot && state.snapshot.rows.length > 0);
    assert.equal(lr.inspector.list().filter((r) => r.sessionId === id).length, 0, 'inspected objects of the ended session stay open');
    await ui('liveRefsRows', { classes: ['Session ended', 'HtmlResponse'], screenshot: 'session-ended' });
  });
});
