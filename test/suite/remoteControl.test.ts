// The `scrapy` debug type in a real VS Code: a Scrapy 2.19 crawl (the forky launcher) runs on its
// own, no debugger, no telnet; "Attach to Scrapy Crawl…" lists it from its remote-control job
// file, the user picks it, and Live References shows the same rows as Scrapy's format_live_refs().
// Skips, saying why, where no launcher with Scrapy 2.19 exists.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Crawl } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { parsePrefs } from '../shared/expectations';
import { orAfter, waitFor, withTimeout } from '../shared/waitFor';
import { forkyPython, remoteControlMissing } from '../shared/scrapyRemote';
import { readJobToken } from '../../extension/runtimes/scrapy/remote/jobFiles';
import { RemoteControlClient } from '../../extension/runtimes/scrapy/remote/remoteControlClient';
import type { LiveReferencesApi } from '../../extension/extension';
import { api } from './leakyCrawl';
import { ui } from './uiBridge';
import { Commands } from '../../extension/ui/commandIds';

describe('scrapy (remote control): attach from the picker to a Scrapy 2.19 crawl', function () {
  this.timeout(150_000);
  const python = forkyPython();
  const jobsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-wb-jobs-'));
  const leaky = new CrawlFixture({
    site: { products: 4000, delayMs: 1000 },
    crawl: { python, telnet: false, timeoutS: 140, env: { LEAKY_CONCURRENCY: '4' }, settings: { REMOTE_CONTROL_JOBS_DIR: jobsDir } },
  });
  const config = () => vscode.workspace.getConfiguration('liveReferences');
  let lr: LiveReferencesApi;
  let crawl: Crawl;
  let client: RemoteControlClient;
  let pid: number;
  let session: vscode.DebugSession | undefined;

  before(async function () {
    const missing = remoteControlMissing(python);
    if (missing) {
      console.log(`skipped: ${missing} (set LIVEREF_FORKY_PYTHON to a python3 with Scrapy 2.19+, or build .cache/pyroots with scripts/pyroots.sh)`);
      this.skip();
    }
    lr = await api();
    await config().update('refreshIntervalMs', 1000, vscode.ConfigurationTarget.Global);
    await config().update('scrapyJobsDir', jobsDir, vscode.ConfigurationTarget.Global);
    await config().update('ignore', [], vscode.ConfigurationTarget.Global);
    await config().update('ignore', undefined, vscode.ConfigurationTarget.Workspace);
    ({ crawl } = await leaky.start());
    await waitFor('the job file', () => fs.readdirSync(jobsDir).some((n) => n.endsWith('.json')), 20_000, 200);
    pid = Number(fs.readdirSync(jobsDir).find((n) => n.endsWith('.json'))!.split('-')[0]);
    const { job, token } = readJobToken(pid, jobsDir);
    client = new RemoteControlClient({ port: job.port, pid, token });
  });

  after(async () => {
    if (session) await orAfter(vscode.debug.stopDebugging(session), 5000);
    client?.close();
    await leaky.stop();
    await config().update('refreshIntervalMs', undefined, vscode.ConfigurationTarget.Global);
    await config().update('scrapyJobsDir', undefined, vscode.ConfigurationTarget.Global);
    await config().update('ignore', undefined, vscode.ConfigurationTarget.Global);
    fs.rmSync(jobsDir, { recursive: true, force: true });
  });

  const scrapyPrefs = async () => {
    const r = await client.execute('from scrapy.utils.trackref import format_live_refs; print(format_live_refs())', { timeoutMs: 10_000 });
    return parsePrefs(r.output);
  };

  it('lists the crawl first (spider, project, uptime, pid; no password), attaches, and shows Scrapy\'s rows', async () => {
    const started = new Promise<vscode.DebugSession>((resolve) => {
      const sub = vscode.debug.onDidStartDebugSession((s) => { if (s.type === 'scrapy') { sub.dispose(); resolve(s); } });
    });
    const attached = vscode.commands.executeCommand<vscode.DebugConfiguration | undefined>(Commands.attachScrapyCrawl);
    const picked = await ui<{ text: string; rows: string[] }>('attachScrapyPickerRemote',
      { pid, expect: `Scrapy crawl leaky.*project leaky · up [\\dhms ]+ · pid ${pid} · remote control`, screenshot: 'attach-scrapy-remote' });
    assert.match(picked.rows[0], new RegExp(`pid ${pid}`), picked.rows.join(' | '));
    const chosen = await attached;
    assert.deepEqual({ type: chosen?.type, pid: chosen?.pid, jobsDir: chosen?.jobsDir }, { type: 'scrapy', pid, jobsDir });
    assert.ok(!JSON.stringify(chosen).includes(readJobToken(pid, jobsDir).token), 'the token is in the configuration');
    session = await withTimeout(started, 20_000, 'a scrapy session');
    const rows = () => lr.liveRefs.rowsOf(session!.id);
    await waitFor('HtmlResponse rows over remote control', () => (rows().find((r) => r.className === 'HtmlResponse')?.count ?? 0) > 0, 60_000);
    // A slow shop (1 s a page) keeps the counts still between two readings of Scrapy's table.
    await waitFor('the view to agree with format_live_refs() at one instant', async () => {
      const before = await scrapyPrefs();
      await vscode.commands.executeCommand(Commands.refresh);
      const shown = new Map(rows().map((r) => [r.className, r.count]));
      const after = await scrapyPrefs();
      const expected = new Map([...after].map(([name, row]) => [name, row.count]));
      return JSON.stringify([...before].map(([n, r]) => [n, r.count])) === JSON.stringify([...expected]) && JSON.stringify([...shown].sort()) === JSON.stringify([...expected].sort());
    }, 40_000, 500);
    const threads = (await session.customRequest('threads')) as { threads: Array<{ name: string }> };
    assert.deepEqual(threads.threads.map((t) => t.name), ['Spider leaky']);
  });

  it('the Debug Console runs code through /execute; every view\'s engine call works; detaching leaves the crawl running and stash clean', async () => {
    const value = (await session!.customRequest('evaluate', { expression: 'crawler.spider.name', context: 'repl' })) as { result: string };
    assert.equal(value.result, "'leaky'");
    const printed = (await session!.customRequest('evaluate', { expression: "print('hello from', crawler.spider.name)", context: 'repl' })) as { result: string };
    assert.equal(printed.result, 'hello from leaky');
    const engine = lr.sessions.get(session!)!.engine;
    const oldest = await engine.oldest('HtmlResponse');
    assert.ok(oldest?.handle);
    const why = await engine.why(oldest.handle);
    assert.ok(why.hops.some((h) => /referer/.test(h.via)), JSON.stringify(why.hops.map((h) => h.via)));
    const byType = await engine.partition({ by: 'type', limit: 0, samples: 0 });
    assert.equal(byType.rows.reduce((n, r) => n + r.count, 0), byType.totalCount);
    assert.equal((await client.execute("print('liveReferences' in stash)")).output.trim(), 'True');
    const ended = new Promise<void>((resolve) => { const sub = vscode.debug.onDidTerminateDebugSession((s) => { if (s.id === session!.id) { sub.dispose(); resolve(); } }); });
    await vscode.debug.stopDebugging(session);
    await withTimeout(ended, 15_000, 'the session to end');
    session = undefined;
    await waitFor('our stash entry to be gone', async () => (await client.execute("print('liveReferences' in stash)")).output.trim() === 'False', 10_000, 250);
    assert.equal((await client.status()).pid, pid);
    assert.equal(crawl.output().includes('Spider closed'), false, 'detaching stopped the crawl');
  });
});
