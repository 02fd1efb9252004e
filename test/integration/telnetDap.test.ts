// `liveref dap` (the scrapy-telnet debug adapter on stdio) driven with raw DAP against a real
// Scrapy crawl (python3-scrapy 2.8) of the local fixture shop, telnet console on, password from
// the crawl's log. Every crawl is bounded and stopped in the after hooks.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Crawl, freePort, Site } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { parsePrefs } from '../shared/expectations';
import { orAfter, waitFor } from '../shared/waitFor';
import { readCrawlInfo, scanTelnetConsoles } from '../../extension/runtimes/scrapy/adapter/discovery';
import { DapStdio } from './dapStdio';

const PASSWORD_VAR = 'LIVEREF_TEST_TELNET_PASSWORD';
type Evaluate = DebugProtocol.EvaluateResponse;
// What VS Code and nvim-dap send (@vscode/debugadapter refuses clients without pathFormat 'path').
const INITIALIZE = { adapterID: 'scrapy-telnet', clientID: 'raw-test', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' };

async function attached(crawl: Crawl, args: Record<string, unknown> = {}, password = crawl.telnetPassword!): Promise<{ dap: DapStdio; attach: DebugProtocol.Response }> {
  const dap = DapStdio.start({ [PASSWORD_VAR]: password });
  const init = await dap.request<DebugProtocol.InitializeResponse>('initialize', INITIALIZE);
  assert.equal(init.success, true);
  assert.equal(init.body?.supportsCompletionsRequest, true);
  const attach = await dap.request('attach', { host: '127.0.0.1', port: crawl.telnetPort, passwordEnv: PASSWORD_VAR, ...args });
  return { dap, attach };
}

const evaluate = (dap: DapStdio, expression: string) => dap.request<Evaluate>('evaluate', { expression, context: 'repl' });

describe('liveref dap: the scrapy-telnet adapter on stdio, raw DAP, real crawl', function () {
  this.timeout(60_000);
  const leaky = new CrawlFixture({ site: { delayMs: 20 }, crawl: { timeoutS: 60 } });
  let site: Site;
  let crawl: Crawl;
  let dap: DapStdio;
  const adapters: DapStdio[] = [];

  before(async () => {
    ({ site, crawl } = await leaky.start());
    const started = await attached(crawl);
    dap = started.dap;
    adapters.push(dap);
    assert.equal(started.attach.success, true, started.attach.message);
  });
  after(async () => {
    for (const a of adapters) a.kill();
    await leaky.stop();
  });

  it('attaches: initialized, a banner with the spider, one thread named after it', async () => {
    await dap.waitForEvent('initialized', 5000);
    await dap.waitForEvent('output', 5000);
    assert.match(dap.output(), /Attached to the Scrapy crawl "leaky" \(pid \d+, up \d+s\) at 127\.0\.0\.1:\d+\./);
    const threads = await dap.request<DebugProtocol.ThreadsResponse>('threads');
    assert.deepEqual(threads.body.threads.map((t) => t.name), ['Spider leaky']);
    assert.equal((await dap.request('configurationDone')).success, true);
  });

  it("evaluate prefs() shows the crawl's live table; 1+1 answers 2", async () => {
    await crawl.waitForLog(/Crawled \d+ pages/, 15_000);
    const prefs = await evaluate(dap, 'prefs()');
    assert.equal(prefs.success, true, prefs.message);
    assert.match(prefs.body.result, /^Live References\n\n/);
    const rows = parsePrefs(prefs.body.result);
    assert.ok(rows.get('HtmlResponse')!.count > 0 && rows.get('Request')!.count > 0, prefs.body.result);
    assert.equal(rows.get('LeakySpider')?.count, 1);
    const two = await evaluate(dap, '1+1');
    assert.equal(two.body.result, '2');
    const est = await evaluate(dap, 'est()');
    assert.match(est.body.result, /^Execution engine status\n[\s\S]*engine\.spider\.name\s+: leaky\n/);
  });

  it('runs multi-line and non-ASCII input in the console namespace: printed output, then the value', async () => {
    const block = await evaluate(dap, "lr_total = 0\nfor i in range(4):\n    lr_total += i\nprint('sum is', lr_total)\nlr_total * 7");
    assert.equal(block.body.result, 'sum is 6\n42');
    assert.equal((await evaluate(dap, 'lr_total')).body.result, '6', 'the variable lives on in the namespace');
    assert.equal((await evaluate(dap, "'caf\u00e9 \u65e5'")).body.result, "'caf\u00e9 \u65e5'");
    const inprogress = await evaluate(dap, 'from scrapy.utils.trackref import get_oldest\ntype(get_oldest("HtmlResponse")).__name__');
    assert.equal(inprogress.body.result, "'HtmlResponse'");
  });

  it('a raising line fails the evaluate with the traceback; the console stays in step', async () => {
    const error = await evaluate(dap, '1/0');
    assert.equal(error.success, false);
    assert.match(error.message!, /ZeroDivisionError: division by zero/);
    const syntax = await evaluate(dap, 'def broken(:\n  pass');
    assert.equal(syntax.success, false);
    assert.match(syntax.message!, /SyntaxError/);
    assert.equal((await evaluate(dap, '3*3')).body.result, '9');
  });

  it('completes names of the console namespace, and attributes after a dot', async () => {
    const names = await dap.request<DebugProtocol.CompletionsResponse>('completions', { text: 'pre', column: 4 });
    assert.ok(names.body.targets.some((t) => t.label === 'prefs' && t.type === 'function' && t.start === 1 && t.length === 3), JSON.stringify(names.body.targets));
    const attrs = await dap.request<DebugProtocol.CompletionsResponse>('completions', { text: 'x = crawler.sta', column: 16 });
    assert.ok(attrs.body.targets.some((t) => t.label === 'stats' && t.start === 13 && t.length === 3), JSON.stringify(attrs.body.targets));
  });

  it('the crawl keeps crawling while attached, and nothing reaches its output', async () => {
    const count = async () => Number((await evaluate(dap, "crawler.stats.get_value('response_received_count')")).body.result);
    const before = await count();
    const after = await waitFor('more responses received', async () => { const now = await count(); return now > before && now; }, 15_000, 250);
    assert.ok(after > before, `responses ${before} → ${after}`);
    assert.ok(!crawl.output().includes('sum is'), 'console output leaked into the crawl log');
  });

  it('a wrong password fails the attach with "Authentication failed", naming neither password', async () => {
    const wrong = `${crawl.telnetPassword}-not`;
    const { dap: other, attach } = await attached(crawl, {}, wrong);
    adapters.push(other);
    assert.equal(attach.success, false);
    assert.match(attach.message!, /^Authentication failed on the Scrapy telnet console at 127\.0\.0\.1:\d+: the password from \$LIVEREF_TEST_TELNET_PASSWORD is wrong\./);
    const everything = JSON.stringify(attach) + other.output() + other.stderr.join('');
    assert.ok(!everything.includes(wrong) && !everything.includes(crawl.telnetPassword!));
    assert.equal((await evaluate(dap, '2+2')).body.result, '4', 'the first session is undisturbed');
  });

  it('reads address and password from the crawl log (logFile)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-log-'));
    const logFile = path.join(dir, 'crawl.log');
    // An older run first: the latest password and its listening line win.
    fs.writeFileSync(logFile, 'Telnet Password: 0000000000000000\nTelnet console listening on 127.0.0.1:1\n' + crawl.output());
    try {
      const other = DapStdio.start();
      adapters.push(other);
      await other.request('initialize', INITIALIZE);
      const attach = await other.request('attach', { logFile });
      assert.equal(attach.success, true, attach.message);
      assert.equal((await evaluate(other, "spider.name")).body.result, "'leaky'");
      assert.equal((await other.request('disconnect', {})).success, true);
      assert.equal(await other.exited, 0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a closed port fails the attach with what to check', async () => {
    const port = await freePort();
    const other = DapStdio.start({ [PASSWORD_VAR]: 'x' });
    adapters.push(other);
    await other.request('initialize', INITIALIZE);
    const attach = await other.request('attach', { port, passwordEnv: PASSWORD_VAR });
    assert.equal(attach.success, false);
    assert.match(attach.message!, new RegExp(`^No Scrapy telnet console on 127\\.0\\.0\\.1:${port}\\. Is the crawl running with TELNETCONSOLE_ENABLED on`));
    const missing = await (async () => {
      const a = DapStdio.start();
      adapters.push(a);
      await a.request('initialize', INITIALIZE);
      return a.request('attach', { port: crawl.telnetPort });
    })();
    assert.match(missing.message!, /No password: give "passwordEnv"/);
  });

  it('discovery finds the console among nearby ports (not the shop) and reads spider and uptime after login', async () => {
    const port = crawl.telnetPort!;
    const found = await scanTelnetConsoles('127.0.0.1', [port - 3, port + 3]);
    assert.ok(found.some((t) => t.port === port), JSON.stringify(found));
    const shop = await scanTelnetConsoles('127.0.0.1', [site.port, site.port]);
    assert.deepEqual(shop, [], 'an HTTP server is not a telnet console');
    const info = await readCrawlInfo({ host: '127.0.0.1', port }, crawl.telnetPassword!);
    assert.equal(info?.spider, 'leaky');
    assert.ok(typeof info?.uptimeS === 'number' && info.uptimeS > 0, JSON.stringify(info));
    await assert.rejects(readCrawlInfo({ host: '127.0.0.1', port }, 'wrong'), (e: Error) => /Authentication failed/.test(e.message));
  });

  it('a dropped connection ends the session with a message to attach again; the crawl runs on', async () => {
    const { dap: other, attach } = await attached(crawl);
    adapters.push(other);
    assert.equal(attach.success, true);
    // The crawl side drops this console connection (as a network failure would).
    void evaluate(other, "__import__('sys').displayhook.__self__.handler.terminal.loseConnection()");
    await other.waitForEvent('terminated', 10_000);
    const lost = other.events.find((e) => e.event === 'output' && (e as DebugProtocol.OutputEvent).body.category === 'important') as DebugProtocol.OutputEvent;
    assert.match(lost.body.output, /The connection to the Scrapy telnet console at 127\.0\.0\.1:\d+ was lost; the crawl is still listening there\. Attach again to continue\./);
    assert.equal((await evaluate(dap, '5+5')).body.result, '10', 'the crawl and the other session go on');
  });

  it('disconnect ends the adapter and leaves the crawl running', async () => {
    const reply = await dap.request('disconnect', { terminateDebuggee: true });
    assert.equal(reply.success, true);
    assert.equal(await dap.exited, 0);
    // The crawl must not exit: half a second to show it does not.
    const state = await orAfter(crawl.exited.then(() => 'exited'), 500, 'running');
    assert.equal(state, 'running');
    const { dap: again, attach } = await attached(crawl);
    adapters.push(again);
    assert.equal(attach.success, true);
    assert.equal((await evaluate(again, '1+1')).body.result, '2');
  });

  it("leaves the crawl's log clean: no tracebacks from our logins, probes, failed attaches or dropped connections", () => {
    const bad = crawl.output().split('\n').filter((l) => /Traceback|Unhandled|CRITICAL|AlreadyNegotiating|Error do/.test(l));
    assert.deepEqual(bad, []);
  });
});

describe('liveref dap when the crawl finishes while attached', function () {
  this.timeout(60_000);
  const leaky = new CrawlFixture({ site: { delayMs: 20 }, crawl: { timeoutS: 4 } });
  let dap: DapStdio | undefined;

  before(() => leaky.startSite());
  after(async () => { dap?.kill(); await leaky.stop(); });

  it('ends the session with a clear message (output + terminated)', async () => {
    const crawl = await leaky.startCrawl();
    const started = await attached(crawl);
    dap = started.dap;
    assert.equal(started.attach.success, true);
    const terminated = await dap.waitForEvent('terminated', 30_000);
    assert.ok(terminated);
    const ended = dap.events.find((e) => e.event === 'output' && (e as DebugProtocol.OutputEvent).body.category === 'important') as DebugProtocol.OutputEvent;
    assert.match(ended.body.output, /The crawl at 127\.0\.0\.1:\d+ has ended \(its telnet console closed\)\./);
    assert.equal(await crawl.exited, 0);
    const late = await evaluate(dap, '1');
    assert.equal(late.success, false);
    assert.equal((await dap.request('disconnect', {})).success, true);
  });
});
