// The scrapy-telnet debug type in a real VS Code: a real Scrapy crawl of the fixture shop runs on
// its own (no debugger) with its telnet console on; the test attaches through the debug type as a
// launch configuration naming the crawl's log would, compares the Live References rows with
// Scrapy's own prefs() at the same moment, types prefs() into the Debug Console, and lets the
// crawl finish while attached. A second crawl on Scrapy's port range goes through discovery.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Crawl, Site } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { parsePrefs } from '../shared/expectations';
import { orAfter, waitFor, withTimeout } from '../shared/waitFor';
import { TelnetEvaluator } from '../../extension/runtimes/scrapy/telnet/telnetEvaluator';
import type { LiveReferencesApi } from '../../extension/extension';
import { api } from './leakyCrawl';
import { ui } from './uiBridge';
import { Commands } from '../../extension/ui/commandIds';

const LOG_NAME = 'telnet-crawl.log';
const NAME = 'Scrapy telnet crawl';

describe('scrapy-telnet: attach to a running crawl with no debugger', function () {
  this.timeout(120_000);
  const leaky = new CrawlFixture({ site: { products: 4000, delayMs: 30 }, crawl: { timeoutS: 110, env: { LEAKY_CONCURRENCY: '4' } } });
  let lr: LiveReferencesApi;
  let site: Site;
  let crawl: Crawl;
  let session: vscode.DebugSession;
  const outputs: Array<{ category?: string; output: string }> = [];
  let tracker: vscode.Disposable;
  let terminated: Promise<void>;
  let logFile: string | undefined;
  const config = () => vscode.workspace.getConfiguration('liveReferences');
  const repl = async (expression: string) => (await session.customRequest('evaluate', { expression, context: 'repl' })) as { result: string };

  before(async () => {
    lr = await api();
    await config().update('refreshIntervalMs', 1000, vscode.ConfigurationTarget.Global);
    await config().update('ignore', [], vscode.ConfigurationTarget.Global);
    // The ignore action writes to the workspace when a folder is open: start from no override there.
    await config().update('ignore', undefined, vscode.ConfigurationTarget.Workspace);
    ({ site, crawl } = await leaky.start());
    // The crawl's log in the workspace, named relative to it in the configuration as a user would
    // (LOG_FILE); the adapter reads the address and the password from it.
    const folder = vscode.workspace.workspaceFolders![0];
    logFile = path.join(folder.uri.fsPath, LOG_NAME);
    fs.writeFileSync(logFile, crawl.output());
    tracker = vscode.debug.registerDebugAdapterTrackerFactory('scrapy-telnet', {
      createDebugAdapterTracker: () => ({
        onDidSendMessage: (m: { type?: string; event?: string; body?: { category?: string; output: string } }) => {
          if (m.type === 'event' && m.event === 'output' && m.body) outputs.push(m.body);
        },
      }),
    });
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => { if (s.name === NAME) { sub.dispose(); resolve(s); } });
    });
    const ok = await vscode.debug.startDebugging(folder, { type: 'scrapy-telnet', request: 'attach', name: NAME, logFile: LOG_NAME });
    assert.ok(ok, 'startDebugging returned false');
    session = await withTimeout(started, 30_000, 'the scrapy-telnet session to start');
    terminated = new Promise<void>((resolve) => {
      const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (s.id === session.id) { sub.dispose(); resolve(); } });
    });
  });

  after(async () => {
    if (logFile) fs.rmSync(logFile, { force: true });
    tracker?.dispose();
    if (session) await orAfter(vscode.debug.stopDebugging(session), 5000);
    await leaky.stop();
    await config().update('refreshIntervalMs', undefined, vscode.ConfigurationTarget.Global);
    await config().update('ignore', undefined, vscode.ConfigurationTarget.Global);
    await config().update('ignore', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it('attaches: the session is served by the views, its thread is named after the spider', async () => {
    await waitFor('the session in Live References', () => lr.sessions.get(session), 20_000);
    const threads = (await session.customRequest('threads')) as { threads: Array<{ name: string }> };
    assert.deepEqual(threads.threads.map((t) => t.name), ['Spider leaky']);
    assert.ok(outputs.some((o) => /Attached to the Scrapy crawl "leaky"/.test(o.output)), JSON.stringify(outputs));
  });

  it("shows the same rows as Scrapy's own prefs() at the same moment", async () => {
    const rows = () => lr.liveRefs.rowsOf(session.id);
    await waitFor('HtmlResponse rows', () => (rows().find((r) => r.className === 'HtmlResponse')?.count ?? 0) > 0, 60_000);
    // Pause the engine and let in-flight responses settle, so both readings see one state.
    await repl('engine.pause()');
    await waitFor('the downloader and the scraper to drain', async () => (await repl('len(engine.downloader.active) == 0 and engine.scraper.slot.is_idle()')).result === 'True', 20_000, 250);
    const scrapy = parsePrefs((await repl('prefs()')).result);
    await vscode.commands.executeCommand(Commands.refresh);
    await waitFor('a refresh after the pause', () => rows().length > 0 && rows().every((r) => scrapy.get(r.className)?.count === r.count), 10_000, 200);
    const shown = new Map(rows().map((r) => [r.className, r.count]));
    assert.deepEqual(shown, new Map([...scrapy].map(([name, row]) => [name, row.count])));
    for (const row of rows()) assert.ok(Math.abs((row.oldestAgeS ?? 0) - scrapy.get(row.className)!.age) <= 2, `${row.className} age`);
    assert.ok(scrapy.get('HtmlResponse')!.count > 0);
    await repl('engine.unpause()');
  });

  it('the Debug Console prints the table when prefs() is typed in', async () => {
    const seen = await ui<{ text: string }>('debugConsoleEvaluate', { expression: 'prefs()', expect: 'HtmlResponse\\s+\\d+\\s+oldest: \\d+s ago', screenshot: 'telnet-debug-console' });
    assert.match(seen.text, /Live References/);
  });

  it('Reveal oldest works over telnet: the oldest response is the first product page', async () => {
    const engine = lr.sessions.get(session)!.engine;
    const oldest = await engine.oldest('HtmlResponse');
    assert.equal(oldest?.url, site.firstProductUrl);
    if (oldest?.handle) await engine.release([oldest.handle]);
  });

  it('Why is this alive and both partitions work over telnet (agent jobs in short steps)', async () => {
    const engine = lr.sessions.get(session)!.engine;
    const oldest = await engine.oldest('HtmlResponse');
    const why = await engine.why(oldest!.handle!);
    assert.ok(why.hops.some((h) => /referer/.test(h.via)), JSON.stringify(why.hops.map((h) => h.via)));
    await engine.release([oldest!.handle!]);
    assert.equal(await vscode.commands.executeCommand(Commands.showPartition), true);
    const byType = await ui<{ labels: string[] }>('partitionClickRow', { label: 'dict', screenshot: 'telnet-partition-by-type' });
    assert.ok(byType.labels.includes('dict') && byType.labels.includes('str'), byType.labels.join(', '));
    const byVia = await ui<{ labels: string[] }>('partitionRows', { waitForText: '._meta', screenshot: 'telnet-partition-dict-by-via' });
    assert.ok(byVia.labels.includes('._meta'), byVia.labels.slice(0, 20).join(' | '));
  });

  it('the crawl finishing ends the session with a clear message; the view keeps the last rows', async () => {
    const before = lr.liveRefs.rowsOf(session.id).length;
    assert.ok(before > 0);
    await repl("engine.close_spider(spider, 'finished')");
    await withTimeout(terminated, 30_000, 'the session to end');
    assert.equal(await crawl.exited, 0, 'the crawl finished on its own terms');
    assert.ok(outputs.some((o) => o.category === 'important' && /has ended \(its telnet console closed\)/.test(o.output)), JSON.stringify(outputs.slice(-3)));
    await waitFor('the ended state', () => lr.liveRefs.stateOf(session.id)?.kind === 'ended', 10_000);
    assert.equal(lr.liveRefs.rowsOf(session.id).length, before);
    assert.match(crawl.output(), /Spider closed \(finished\)/);
  });
});

describe('scrapy-telnet: Attach to Scrapy Crawl… finds the crawl and remembers its password', function () {
  this.timeout(120_000);
  // Scrapy's own port range, as a crawl started by hand would use.
  const leaky = new CrawlFixture({ site: { products: 4000, delayMs: 30 }, crawl: { timeoutS: 110, env: { LEAKY_TELNET_PORT: '6023,6073', LEAKY_CONCURRENCY: '2' } } });
  let lr: LiveReferencesApi;
  let crawl: Crawl;

  before(async () => {
    lr = await api();
    ({ crawl } = await leaky.start());
  });
  after(async () => {
    for (const s of [vscode.debug.activeDebugSession].filter((x): x is vscode.DebugSession => x?.type === 'scrapy-telnet')) await orAfter(vscode.debug.stopDebugging(s), 5000);
    await leaky.stop();
  });

  it('lists the crawl, asks its password (again after a wrong one), attaches; next time shows spider and uptime', async () => {
    const port = crawl.telnetPort!;
    assert.ok(port >= 6023 && port <= 6073, String(port));
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => { if (s.type === 'scrapy-telnet') { sub.dispose(); resolve(s); } });
    });
    const attached = vscode.commands.executeCommand<vscode.DebugConfiguration | undefined>(Commands.attachScrapyCrawl);
    const first = await ui<{ text: string; title: string; retryPrompt: string }>('attachScrapyPicker',
      { port, expect: 'password needed', wrongPassword: 'not-the-password', password: crawl.telnetPassword });
    assert.match(first.title, new RegExp(`Scrapy telnet console 127\\.0\\.0\\.1:${port}`));
    assert.match(first.retryPrompt, /Wrong password/);
    const config = await attached;
    assert.equal(config?.port, port);
    assert.equal('password' in (config ?? {}), false);
    const session = await withTimeout(started, 20_000, 'a scrapy-telnet session');
    await waitFor('Live References rows over the discovered session', () => lr.liveRefs.rowsOf(session.id).some((r) => r.className === 'HtmlResponse'), 60_000);
    // Hold a handle and a cursor in the crawl, as the views do; disconnecting must release them.
    const engine = lr.sessions.get(session)!.engine;
    assert.ok((await engine.oldest('HtmlResponse'))?.handle);
    await engine.iterAll({ className: 'HtmlResponse', offset: 0, limit: 5 });
    const ended = new Promise<void>((resolve) => { const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (s.id === session.id) { sub.dispose(); resolve(); } }); });
    await vscode.debug.stopDebugging(session);
    await ended;
    const check = await TelnetEvaluator.connect({ host: '127.0.0.1', port, password: crawl.telnetPassword! });
    try {
      const held = await check.run("[(a.handles.counts(), len(a.liverefs._cursors), len(a.jobs._jobs)) for n, a in list(__import__('sys').modules.items()) if n.startswith('_liveref_agent_') and '.' not in n]");
      assert.equal(held, "[({'weak': 0, 'strong': 0}, 0, 0)]", 'the agent still holds objects of the crawl after disconnect');
    } finally {
      check.dispose();
    }
    assert.equal(crawl.output().includes('Spider closed'), false, 'disconnecting left the crawl running');
    // The password is remembered in SecretStorage: the picker logs in and shows what runs there.
    const again = vscode.commands.executeCommand(Commands.attachScrapyCrawl);
    const second = await ui<{ text: string }>('attachScrapyPicker', { port, expect: 'spider leaky · up \\d+', screenshot: 'attach-scrapy-crawl' });
    assert.match(second.text, /pid \d+/);
    assert.equal(await again, undefined, 'dismissed');
    // The same crawl is offered in Run and Debug's dropdown (dynamic configurations); picking it
    // attaches with the remembered password, no question asked.
    const dynamic = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => { if (s.type === 'scrapy-telnet') { sub.dispose(); resolve(s); } });
    });
    const offered = await ui<{ text: string }>('selectAndStartScrapy', { port, screenshot: 'select-and-start-scrapy' });
    assert.match(offered.text, new RegExp(`Scrapy crawl leaky \\(127\\.0\\.0\\.1:${port}\\)`));
    const third = await withTimeout(dynamic, 20_000, 'a session from the dynamic configuration');
    await waitFor('rows over the dynamic session', () => lr.liveRefs.rowsOf(third.id).length > 0, 30_000);
    await vscode.debug.stopDebugging(third);
  });
});
