// The first hour with `npm run demo`, in a real VS Code at 1400×900: the demo's crawl (LEAKY_DEMO
// on the unbounded shop, as scripts/demo.mjs launches it) and every step of the README, with the
// screenshots the README shows (test-output/workbench/screenshots/). Issue 21: the Live References
// row under the mouse, inspected ages moving on, the growth chart's clock, lines and legend, the
// partition webview's scroll position and examples, All Suspects, and the Growth panel following
// a second session.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { LiveReferencesApi } from '../../extension/extension';
import type { LiveRefRow } from '../../extension/core/types';
import type { Suspect } from '../../extension/ui/commands/suspectRanking';
import { Commands } from '../../extension/ui/commandIds';
import { LEAKY_DIR, leakLine, PYTHON, SPIDER_FILE } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { waitFor } from '../shared/waitFor';
import { startSession, StartedSession } from './debugSessions';
import { api } from './leakyCrawl';
import { ui } from './uiBridge';

const FIRST = 'Leaky crawl';
const SECOND = 'Leaky crawl again';

describe('The first hour with the demo', function () {
  this.timeout(600_000);
  let lr: LiveReferencesApi;
  const shop = new CrawlFixture({ site: { products: 0, delayMs: 20, lifetimeS: 1200 } });
  let crawl: StartedSession | undefined;
  let session: vscode.DebugSession;
  const row = (className: string): LiveRefRow | undefined => lr.liveRefs.rowsOf(session.id).find((r) => r.className === className);
  const node = (className: string) => ({ kind: 'row' as const, sessionId: session.id, row: row(className)! });

  /** The demo's launch configuration (scripts/demo.mjs), under another name for the second run. */
  async function launchDemo(name: string): Promise<StartedSession> {
    const site = await shop.startSite();
    return startSession({
      type: 'debugpy', request: 'launch', name, module: 'scrapy', args: ['crawl', 'leaky'], cwd: LEAKY_DIR,
      python: PYTHON, console: 'internalConsole', justMyCode: true,
      env: { START_URL: site.firstProductUrl, LEAKY_DEMO: '1', LEAKY_TELNET: '0' },
    });
  }

  before(async () => {
    lr = await api();
    crawl = await launchDemo(FIRST);
    session = crawl.session;
    await waitFor('live HtmlResponses', () => (row('HtmlResponse')?.count ?? 0) > 0, 90_000, 250);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await crawl?.stop();
    await shop.stop();
  });

  it('HtmlResponse keeps growing; "still growing" and the retained size stay readable under the mouse', async () => {
    // A minute into the crawl, as a user who watched it for a while: the counts keep climbing.
    await waitFor('a minute of crawling', () => (row('HtmlResponse')?.oldestAgeS ?? 0) >= 60, 120_000, 500);
    await waitFor('HtmlResponse still growing', () => lr.liveRefs.isStillGrowing(session.id, 'HtmlResponse'), 60_000, 250);
    const retained = await vscode.commands.executeCommand<{ size: number } | undefined>(Commands.computeRetained, node('HtmlResponse'));
    assert.ok(retained && retained.size > 0, 'retained size of HtmlResponse');
    const seen = await ui<{ description: string; visibleRight: number; actionsLeft: number | null; words: Record<string, { left: number; right: number } | null> }>(
      'liveRefsHover', { className: 'HtmlResponse', waitForText: 'retained', words: ['still growing', 'retained'], screenshot: 'live-references-growing' });
    const growing = seen.words['still growing'];
    const kept = seen.words.retained;
    assert.ok(growing && kept, `both shown: ${seen.description}`);
    assert.ok(seen.actionsLeft !== null, 'the hover actions are shown');
    assert.ok(growing.right <= seen.actionsLeft!, `"still growing" ends at ${growing.right}, the hover actions start at ${seen.actionsLeft}`);
    assert.ok(kept.right <= Math.min(seen.visibleRight, seen.actionsLeft!), `"… retained" ends at ${kept.right}, visible to ${seen.visibleRight}: ${seen.description}`);
  });

  it('Reveal Oldest opens the first product page; its age moves on; Why is this alive? leads to the leak line', async () => {
    const before = lr.inspector.list().length;
    await vscode.commands.executeCommand(Commands.revealOldest, node('HtmlResponse'));
    const root = await waitFor('the oldest response open', () => lr.inspector.list().length > before && lr.inspector.list()[0], 30_000);
    assert.match(root.summary.url ?? root.summary.repr, /pid=1\b/);
    const ages = await ui<{ first: number; later: number }>('inspectedAge');
    assert.ok(ages.later >= ages.first + 3, `the inspected age moves on: ${ages.first}s → ${ages.later}s`);
    await ui('inspectorShows', { text: 'HtmlResponse', screenshot: 'inspected-oldest' });
    await ui('clickLeakSite');
    const editor = await waitFor('the editor on the leak line', () => {
      const e = vscode.window.activeTextEditor;
      return e && e.document.uri.fsPath === SPIDER_FILE && e;
    }, 60_000);
    assert.equal(editor.selection.active.line + 1, leakLine());
  });

  it('Iterate All lists every live HtmlResponse, filtered in the program', async () => {
    const picked = vscode.commands.executeCommand(Commands.iterateAll, node('HtmlResponse'));
    const shown = await ui<{ items: string[] }>('pickFromIterateAll', { filter: 'pid=5', minItems: 1 });
    assert.ok(shown.items.length >= 1 && shown.items.every((i) => /pid=5/.test(i)), shown.items.slice(0, 3).join(' | '));
    await picked;
  });

  it('the growth chart: a 24-hour clock, every line visible and named, a legend above it', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.showGrowth), true);
    const chart = await ui<{ ticks: string[]; hourNow: number; lines: Array<{ className: string; width: number }>; labels: Array<{ className: string }>; legendAboveChart: boolean; legend: string[]; title: string }>('growthAxes', {});
    assert.ok(chart.ticks.length >= 2, chart.ticks.join(' '));
    assert.ok(chart.ticks.every((t) => /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(t)), `24-hour labels: ${chart.ticks.join(' ')}`);
    const hours = new Set(chart.ticks.map((t) => Number(t.slice(0, 2))));
    assert.ok(hours.has(chart.hourNow) || hours.has((chart.hourNow + 23) % 24), `the current hour ${chart.hourNow} among ${chart.ticks.join(' ')}`);
    const widths = chart.lines.map((l) => l.width);
    assert.ok(widths.every((w, i) => i === 0 || w < widths[i - 1]), `each line narrower than the one under it: ${widths.join(', ')}`);
    assert.deepEqual(chart.labels.map((l) => l.className).sort(), chart.lines.map((l) => l.className).sort(), 'every line named at its end');
    assert.ok(chart.legendAboveChart, 'the legend is above the chart');
    // The legend names every line with its latest count ("still growing" follows the rows' streak).
    for (const line of chart.lines) assert.ok(chart.legend.some((l) => new RegExp(`^${line.className} \\d`).test(l)), `${line.className} in ${chart.legend.join(' | ')}`);
    assert.ok(chart.title.includes(FIRST), chart.title);
  });

  it('a reused partition webview shows new content from the top; by-via examples appear where the eye is', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.showPartition), true);
    const drilled = await ui<{ before: number; after: number; drilled: string; via: string[] }>('partitionScroll', { labelPattern: '^(builtins\\.)?dict$' });
    assert.ok(drilled.before > 200, `scrolled down the by-type table first (${drilled.before} px)`);
    assert.equal(drilled.after, 0, `dict by via opens at its top (was at ${drilled.after} px)`);
    // The last row of the by-via table: its examples show under the toolbar, in view.
    const far = await ui<{ label: string; place: { top: number; bottom: number; viewport: number; aboveTable: boolean }; samples: string[] }>('partitionExamples', { index: 1000 });
    assert.ok(far.place.top >= 0 && far.place.top < far.place.viewport, `examples of ${far.label} in view: ${JSON.stringify(far.place)}`);
    assert.ok(far.place.aboveTable, 'examples above the table');
    // The leak's own partition: the live HtmlResponses by what refers to them, and the examples of the top group.
    assert.equal(await vscode.commands.executeCommand(Commands.partitionByVia, node('HtmlResponse')), true);
    const top = await ui<{ label: string; samples: string[] }>('partitionExamples', { index: 0, crumb: 'HtmlResponse by via', screenshot: 'partition-by-via' });
    assert.match(top.label, /referer/, 'the top via group of HtmlResponse is the referer key');
    assert.ok(top.samples.length > 0 && top.samples.every((t) => t.startsWith('HtmlResponse')), top.samples.join(' | '));
  });

  it('the ages of the live HtmlResponses, and Heap Since Mark', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.showAges, node('HtmlResponse')), true);
    await ui('ageChartOpenOldest', { screenshot: 'age-histogram' });
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
    assert.ok(await vscode.commands.executeCommand(Commands.markHeap), 'the heap was marked');
    // The count right after the mark, asked of the program: the tree's last refresh may predate it.
    const afterMark = await lr.sessions.get(session)!.engine.liveRefs([]);
    const marked = afterMark.rows.find((r) => r.className === 'HtmlResponse')!.count;
    // trackref's count also holds responses that became cyclic garbage and wait for the collector,
    // which a heap walk does not reach: 30 more in the tree leaves room for a few of those.
    await waitFor('30 more HtmlResponses', () => (row('HtmlResponse')?.count ?? 0) >= marked + 30, 90_000, 500);
    assert.equal(await vscode.commands.executeCommand(Commands.heapSinceMark), true);
    const seen = await ui<{ header: string[]; cells: string[] }>('partitionCells', { label: 'scrapy.http.response.html.HtmlResponse', screenshot: 'heap-since-mark' });
    assert.ok(Number(seen.cells[seen.header.indexOf('Δ Count')].replace(/[+,]/g, '')) >= 20, seen.cells.join(' | '));
  });

  it('Leak Suspects opens the top suspect; All Suspects lists the ranking without the Output panel', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const ranked = await vscode.commands.executeCommand<Suspect[]>(Commands.leakSuspects);
    assert.ok(ranked?.length, 'no suspects');
    const shot = await ui<{ notices: string[]; suspects: string[]; outputShown: boolean }>('leakSuspectsShot');
    assert.ok(shot.suspects.length >= Math.min(3, ranked.length), shot.suspects.join('\n'));
    assert.ok(shot.suspects[0].includes(ranked[0].className), shot.suspects[0]);
    assert.equal(shot.outputShown, false);
  });

  it('an open Growth panel follows the next session: its title and its count', async () => {
    assert.equal(await vscode.commands.executeCommand(Commands.showGrowth), true);
    await crawl!.stop();
    crawl = await launchDemo(SECOND);
    session = crawl.session;
    await waitFor('the second crawl refreshed', () => (row('HtmlResponse')?.count ?? 0) > 0 && lr.liveRefs.histories.of(session.id).series().times.length >= 2, 90_000, 250);
    const seen = await ui<{ tabs: string[]; status: string; title: string }>('growthFollows', { session: SECOND, screenshot: 'growth-second-session' });
    assert.ok(seen.tabs.some((t) => t.includes(`Growth: ${SECOND}`)), seen.tabs.join(' | '));
    assert.ok(!seen.tabs.some((t) => t.includes(`Growth: ${FIRST}`) && !t.includes(SECOND)), seen.tabs.join(' | '));
    assert.match(seen.status, /^[1-9]\d* refreshes; resident memory now \d/);
    assert.ok(seen.title.includes(SECOND), seen.title);
  });
});
