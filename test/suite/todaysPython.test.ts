// Today's stack in the real workbench: Debian forky's Python 3.14 with Scrapy 2.19 and debugpy
// 1.8.20 (a root built by scripts/pyroots.sh). F5 on the leaky crawl → rows → leak site, the
// same path a user of the current Python Debugger takes.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LEAKY_DIR, leakLine, SPIDER_FILE } from '../fixtures/fixtureSite';
import type { LiveReferencesApi } from '../../extension/extension';
import { waitFor } from '../shared/waitFor';
import { api, LeakyCrawl, startLeakyCrawl } from './leakyCrawl';
import { Commands } from '../../extension/ui/commandIds';

/** forky's launcher: LIVEREF_FORKY_PYTHON, else the checkout's .cache/pyroots/forky.python. */
function forkyPython(): string {
  return process.env.LIVEREF_FORKY_PYTHON || path.join(LEAKY_DIR, '../../..', '.cache/pyroots/forky.python');
}

describe('Today\'s Python (Debian forky: Python 3.14, Scrapy 2.19, debugpy 1.8.20) under F5', function () {
  this.timeout(150_000);
  let lr: LiveReferencesApi;
  let crawl: LeakyCrawl | undefined;
  const python = path.resolve(forkyPython());
  const count = (name: string) => lr.liveRefs.rowsOf(crawl!.session.id).find((r) => r.className === name)?.count ?? 0;

  before(async function () {
    if (!fs.existsSync(python)) {
      // runAll prints why the root is missing (not root, not Debian, LIVEREF_PYTHONS); the test says where it looked.
      this.test!.title += ` — skipped: no forky root at ${python} (scripts/pyroots.sh builds it)`;
      this.skip();
    }
    lr = await api();
    await vscode.workspace.getConfiguration('liveReferences').update('refreshIntervalMs', 1000, vscode.ConfigurationTarget.Global);
    crawl = await startLeakyCrawl('Leaky crawl on Python 3.14', {}, python);
  });

  after(async () => {
    await crawl?.stop();
    await vscode.workspace.getConfiguration('liveReferences').update('refreshIntervalMs', undefined, vscode.ConfigurationTarget.Global);
  });

  it('shows growing HtmlResponse and Request rows, and Go to Leak Site lands on the meta line without tracemalloc', async () => {
    await waitFor('HtmlResponse and Request rows', () => count('HtmlResponse') > 0 && count('Request') > 0, 90_000);
    const first = count('HtmlResponse');
    await waitFor('HtmlResponse to grow', () => count('HtmlResponse') > first, 30_000);
    const entry = lr.sessions.list().find((e) => e.session.id === crawl!.session.id)!;
    const info = await entry.engine.info();
    assert.match(info.version, /^3\.14\./, `not the forky Python: ${JSON.stringify(info)}`);
    const oldest = await vscode.commands.executeCommand<{ url?: string; handle?: string } | undefined>(Commands.revealOldest,
      { kind: 'row', sessionId: crawl!.session.id, row: lr.liveRefs.rowsOf(crawl!.session.id).find((r) => r.className === 'HtmlResponse')! });
    assert.equal(oldest?.url, crawl!.site.firstProductUrl, 'the oldest response is the first product page');
    const root = lr.inspector.list().find((r) => r.summary.url === crawl!.site.firstProductUrl)!;
    const why = await lr.inspector.whyOf(root);
    assert.equal(why.tracemalloc, false);
    assert.deepEqual([why.leakSite?.path, why.leakSite?.line, why.leakSite?.source], [SPIDER_FILE, leakLine(), 'creation']);
    assert.equal(await vscode.commands.executeCommand(Commands.goToLeakSite, root), true);
    const editor = await waitFor('an editor on the spider', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === SPIDER_FILE && e;
    }, 30_000);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /meta=\{'referer': response\}/);
  });
});
