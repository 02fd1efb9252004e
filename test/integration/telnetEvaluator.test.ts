// TelnetEvaluator against the real thing: the seed's leaky Scrapy crawl (python3-scrapy 2.8,
// Twisted 22.4) crawling the local fixture shop, with Scrapy's telnet console on and its random
// password read from the crawl's log. Every crawl is bounded (CLOSESPIDER_TIMEOUT ≤ 60 s) and
// killed in the after hooks.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { PythonEngine } from '../../extension/runtimes/python/pythonEngine';
import { extractMarkedReply } from '../../extension/runtimes/python/agentProtocol';
import { OPT_ECHO, OPT_LINEMODE, OPT_NAWS, OPT_SGA, REFUSE_DO_POLICY } from '../../extension/runtimes/scrapy/telnet/telnetCodec';
import { TelnetEvaluator } from '../../extension/runtimes/scrapy/telnet/telnetEvaluator';
import { Crawl, freePort, Site } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { parsePrefs, rejects } from '../shared/expectations';
import { sleep, waitFor, withTimeout } from '../shared/waitFor';

const HOST = '127.0.0.1';
const TRACKREF = "__import__('scrapy.utils.trackref', fromlist=['x'])";

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function connect(crawl: Crawl, extra: Partial<Parameters<typeof TelnetEvaluator.connect>[0]> = {}): Promise<TelnetEvaluator> {
  return TelnetEvaluator.connect({ host: HOST, port: crawl.telnetPort!, password: crawl.telnetPassword!, timeoutMs: 10_000, ...extra });
}

describe('TelnetEvaluator against a real Scrapy crawl (telnet console)', function () {
  this.timeout(60_000);
  const leaky = new CrawlFixture({ site: { delayMs: 20 }, crawl: { timeoutS: 60 } });
  let site: Site;
  let crawl: Crawl;
  let ev: TelnetEvaluator;

  before(async () => {
    ({ site, crawl } = await leaky.start());
    ev = await connect(crawl);
  });
  after(async () => {
    ev?.dispose();
    await leaky.stop();
  });

  it('logs in as scrapy with the random password Scrapy printed, answering the negotiation', async () => {
    assert.match(crawl.telnetPassword!, /^[0-9a-f]{16}$/);
    assert.match(crawl.output(), new RegExp(`Telnet Password: ${crawl.telnetPassword}`));
    assert.deepEqual(ev.negotiation.map((e) => `${e.received} ${e.option} → ${e.sent ?? '-'}`), [
      `WILL ${OPT_ECHO} → DO`, `WONT ${OPT_ECHO} → DONT`,
      `DO ${OPT_LINEMODE} → WILL`, `DO ${OPT_NAWS} → WILL`, `DO ${OPT_SGA} → WILL`, `WILL ${OPT_ECHO} → DO`]);
    assert.match(ev.description, new RegExp(`^Scrapy telnet console 127\\.0\\.0\\.1:${crawl.telnetPort}$`));
  });

  it('evaluates trackref expressions and prefs() while the crawl runs', async () => {
    const classes = Number(await ev.run(`len(${TRACKREF}.live_refs)`));
    assert.ok(Number.isInteger(classes) && classes >= 2, `live_refs classes: ${classes}`);
    await crawl.waitForLog(/Crawled \d+ pages/, 10_000);
    const prefs = await waitFor('live HtmlResponses and Requests in prefs()', async () => {
      const text = await ev.run('prefs()');
      const live = parsePrefs(text);
      return (live.get('HtmlResponse')?.count ?? 0) > 0 && (live.get('Request')?.count ?? 0) > 0 && text;
    }, 20_000, 250);
    assert.match(prefs, /^Live References\n\n/);
    const rows = parsePrefs(prefs);
    assert.ok(rows.get('HtmlResponse')!.count > 0, prefs);
    assert.ok(rows.get('Request')!.count > 0, prefs);
    assert.equal(rows.get('LeakySpider')?.count, 1, prefs);
    const count = Number(await ev.run(`len(${TRACKREF}.live_refs[__import__('scrapy.http', fromlist=['x']).HtmlResponse])`));
    assert.ok(count >= rows.get('HtmlResponse')!.count, `${count} live HtmlResponse now, ${rows.get('HtmlResponse')!.count} before`);
  });

  it("round-trips marked payloads of 200 kB and 1 MB through extractMarkedReply intact", async () => {
    // The brief's literal: 200,000 base64 characters.
    const a = await ev.evaluate(() => "'LRB64<' + 'A'*200000 + '>LRB64'", 1);
    const decodedA = extractMarkedReply(a)!;
    assert.equal(decodedA.length, 150_000);
    assert.ok(/^\0+$/.test(decodedA));
    // Hostile JSON (terminal escapes, a fake prompt, \r\r\n, IAC byte, non-ASCII, a fake marker)
    // in a ≥ 200 kB and a ~1 MB reply; compare against what Python's json would say.
    for (const pad of [200_000, 1_000_000]) {
      const expression = "'LRB64<' + __import__('base64').b64encode(__import__('json').dumps({'hostile': '\\x1b[2J\\x1bc>>> \\r\\r\\n... \\xff\\u65e5\\U0001F600 LRB64< >LRB64 <script>alert(1)</script>', "
        + `'pad': 'x' * ${pad}, 'n': list(range(1000))}).encode()).decode() + '>LRB64'`;
      const started = process.hrtime.bigint();
      const text = await ev.evaluate((mode) => { assert.equal(mode, 'return'); return expression; }, 2);
      const elapsed = ms(started);
      const value = JSON.parse(extractMarkedReply(text)!) as { hostile: string; pad: string; n: number[] };
      assert.equal(value.hostile, '\x1b[2J\x1bc>>> \r\r\n... \xff\u65e5\u{1F600} LRB64< >LRB64 <script>alert(1)</script>');
      assert.equal(value.pad.length, pad);
      assert.deepEqual(value.n, Array.from({ length: 1000 }, (_, i) => i));
      console.log(`      payload ${text.length} chars: ${elapsed.toFixed(1)} ms`);
    }
  });

  it('measures login and round trip times', async () => {
    const logins: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = process.hrtime.bigint();
      const other = await connect(crawl);
      logins.push(ms(started));
      other.dispose();
    }
    const trips: Record<string, number[]> = { '1': [], 'prefs()': [], [`len(${TRACKREF}.live_refs)`]: [] };
    for (let i = 0; i < 20; i++) {
      for (const code of Object.keys(trips)) {
        const started = process.hrtime.bigint();
        await ev.run(code);
        trips[code].push(ms(started));
      }
    }
    console.log(`      login median ${median(logins).toFixed(1)} ms (${logins.map((x) => x.toFixed(1)).join(', ')})`);
    for (const [code, xs] of Object.entries(trips)) console.log(`      ${code.slice(0, 40)}: median ${median(xs).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`);
    assert.ok(median(logins) < 1000);
  });

  it('queues concurrent calls: each caller gets its own reply', async () => {
    const ids = Array.from({ length: 25 }, (_, i) => i);
    const replies = await Promise.all(ids.map((i) => ev.evaluate(() => `'LRB64<' + __import__('base64').b64encode(b'reply-${i}').decode() + '>LRB64'`, i)));
    assert.deepEqual(replies.map((r) => extractMarkedReply(r)), ids.map((i) => `reply-${i}`));
  });

  it('timeout and cancellation fail the call but never mix its late reply into the next', async () => {
    const started = Date.now();
    await rejects(ev.run("__import__('time').sleep(1.0) or 'late-1'", { timeoutMs: 200 }), 'timeout', /within 200 ms/);
    assert.ok(Date.now() - started < 900);
    assert.equal(await ev.run("'next-1'"), "'next-1'");
    const controller = new AbortController();
    const call = ev.run("__import__('time').sleep(0.5) or 'late-2'", { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await rejects(call, 'cancelled');
    const aborted = new AbortController();
    aborted.abort();
    await rejects(ev.run("'never'", { signal: aborted.signal }), 'cancelled');
    assert.equal(await ev.run("'next-2'"), "'next-2'");
  });

  it('execute runs statements, one-line compound statements, and reports remote errors', async () => {
    await ev.execute('lr_probe_value = 41');
    await ev.execute('for _i in range(3): lr_probe_value += 1 if _i == 0 else 0');
    assert.equal(await ev.run('lr_probe_value'), '42');
    await rejects(ev.execute('1/0'), 'remote', /^ZeroDivisionError: division by zero$/);
    await rejects(ev.execute('lr_undefined_name'), 'remote', /^NameError: name 'lr_undefined_name' is not defined$/);
    await rejects(ev.execute('def broken(:'), 'remote', /^SyntaxError: /);
    await rejects(ev.execute('if True:'), 'remote', /incomplete statement/);
    await rejects(ev.execute('lr_open = ('), 'remote', /incomplete statement/);
    await rejects(ev.execute("'caf\u00e9'"), 'protocol', /printable ASCII/);
    assert.equal(await ev.run('lr_probe_value'), '42', 'the session is still in sync');
  });

  it('runs the Python engine over telnet (agent installed by execute, replies parsed from reprs)', async () => {
    const engine = new PythonEngine(ev);
    const snapshot = await engine.liveRefs([]);
    assert.ok(snapshot.trackref);
    const html = snapshot.rows.find((r) => r.className === 'HtmlResponse');
    assert.ok(html && html.count > 0, JSON.stringify(snapshot.rows));
    const oldest = await engine.oldest('HtmlResponse');
    assert.equal(oldest?.url, site.firstProductUrl);
    if (oldest?.handle) await engine.release([oldest.handle]);
    await engine.releaseAll();
  });

  it('does not leave our lines and replies in the crawl (manhole history, `_`) once idle', async () => {
    const big = await ev.run("'y' * 300000");
    assert.equal(big.length, 300_002);
    const handler = "__import__('sys').displayhook.__self__.handler";
    // Once idle (20 ms), the client tidies. This line itself is in the history while it runs:
    // nothing else is.
    await waitFor('the history to hold only the running line', async () => await ev.run(`len(${handler}.historyLines)`) === '1', 5000, 100);
    await waitFor('`_` to be cleared', async () => await ev.run('_ is None') === 'True', 5000, 100);
    // Without tidying, the manhole keeps both (what the tidy line is for).
    const untidy = await connect(crawl, { tidy: false });
    try {
      await untidy.run("'z' * 300000");
      // Idle for ten times the tidy delay: an untidy session must still hold both. (A delay is
      // the point: nothing may happen meanwhile.)
      await sleep(200);
      assert.equal(await untidy.run('len(_)'), '300000');
      assert.equal(await untidy.run(`len(${handler}.historyLines)`), '3');
    } finally {
      untidy.dispose();
    }
  });

  it("keeps our calls' output off the crawl's stdout and stderr", async () => {
    const tag = `lrprobe${Date.now()}`;
    assert.equal(await ev.run(`print('${tag}-printed')`), `${tag}-printed`);
    assert.equal(await ev.run(`'${tag}-value'`), `'${tag}-value'`);
    await ev.run(`__import__('sys').stdout.write('${tag}-sysout')`);
    // Nothing may arrive: give a stray write a second to reach us through the crawl's pipes.
    await sleep(1000);
    assert.ok(!crawl.output().includes(tag), 'probe text reached the crawl output');
  });

  it('wrong password → auth error, fast, without the password in the message', async () => {
    const started = Date.now();
    const wrong = `${crawl.telnetPassword}-not`;
    const error = await rejects(connect(crawl, { password: wrong }), 'auth', /Authentication failed on the Scrapy telnet console at 127\.0\.0\.1:\d+/);
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
    assert.ok(!error.message.includes(wrong) && !error.message.includes(crawl.telnetPassword!));
    await rejects(connect(crawl, { username: 'admin' }), 'auth');
  });

  it('closed port → connect error naming the port', async () => {
    const port = await freePort();
    await rejects(TelnetEvaluator.connect({ host: HOST, port, password: 'x' }), 'connect',
      new RegExp(`^No Scrapy telnet console on 127\\.0\\.0\\.1:${port} \\(is TELNETCONSOLE_ENABLED on and the crawl running\\?\\)$`));
  });

  it('a port that is not a telnet console (the shop) → protocol error, not a hang', async () => {
    await rejects(TelnetEvaluator.connect({ host: HOST, port: site.port, password: 'x', timeoutMs: 1000 }), 'protocol', /no telnet login prompt/);
  });

  it("leaves the crawl's log clean: no AlreadyNegotiating, no refused-option tracebacks", () => {
    const log = crawl.output();
    assert.ok(!/AlreadyNegotiating/.test(log), 'AlreadyNegotiating in the crawl log');
    assert.ok(!/Error do|Error setting will|OptionRefused|Unhandled error|CRITICAL|unhandled keyID/i.test(log),
      log.split('\n').filter((l) => /Error do|CRITICAL|Unhandled|OptionRefused|keyID/i.test(l)).join('\n'));
  });
});

describe('TelnetEvaluator when the crawl goes away', function () {
  this.timeout(60_000);
  const leaky = new CrawlFixture({ site: { delayMs: 20 } });

  before(() => leaky.startSite());
  afterEach(() => leaky.stopCrawl());
  after(() => leaky.stop());

  it('crawl killed mid-call → disconnected within a few seconds, then calls fail at once', async () => {
    const crawl = await leaky.startCrawl({ timeoutS: 60 });
    const ev = await connect(crawl);
    let closedWith = '';
    ev.onDidClose((reason) => { closedWith = reason; });
    // The call leaves a file behind when the crawl starts running it, then holds the crawl.
    const running = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-midcall-')), 'running');
    const call = ev.run(`(open(${JSON.stringify(running)}, 'w').close(), __import__('time').sleep(20))[1] or 'never'`, { timeoutMs: 30_000 });
    const queued = ev.run('1');
    await waitFor('the crawl to run the call', () => fs.existsSync(running), 10_000, 20);
    const killedAt = Date.now();
    crawl.kill('SIGKILL');
    await rejects(call, 'disconnected', /closed the connection/);
    assert.ok(Date.now() - killedAt < 3000, `${Date.now() - killedAt} ms`);
    await rejects(queued, 'disconnected');
    const at = Date.now();
    await rejects(ev.run('1'), 'disconnected');
    assert.ok(Date.now() - at < 100);
    assert.ok(ev.closed);
    assert.match(closedWith, /closed the connection/);
    fs.rmSync(path.dirname(running), { recursive: true, force: true });
  });

  it('a crawl that finishes (CLOSESPIDER_TIMEOUT) closes the evaluator', async () => {
    const crawl = await leaky.startCrawl({ timeoutS: 3 });
    const ev = await connect(crawl);
    const closed = new Promise<string>((resolve) => ev.onDidClose(resolve));
    const started = Date.now();
    const reason = await withTimeout(closed, 20_000, 'the evaluator to close');
    assert.match(reason, /closed the connection/);
    assert.ok(Date.now() - started < 20_000);
    await rejects(ev.evaluate(() => '1', 1), 'disconnected');
    assert.match(crawl.output(), /Closing spider \(closespider_timeout\)/);
    assert.equal(await crawl.exited, 0, 'the crawl exits cleanly on its own');
  });

  it('DESIGN\'s refuse-every-DO policy works but makes Twisted log "Error do" tracebacks: why the default agrees', async () => {
    const crawl = await leaky.startCrawl({ timeoutS: 30 });
    const clean = await connect(crawl);
    assert.equal(await clean.run('1+1'), '2');
    clean.dispose();
    // No "Error do" may follow a clean login: give Twisted the time it takes to log one.
    await sleep(300);
    assert.ok(!/Error do/.test(crawl.output()));
    const refusing = await connect(crawl, { policy: REFUSE_DO_POLICY });
    assert.equal(await refusing.run('1+1'), '2');
    refusing.dispose();
    await crawl.waitForLog(/Error do/, 5000);
    assert.ok(!/AlreadyNegotiating/.test(crawl.output()));
  });

  it('a console behind a half-open socket times out instead of hanging', async () => {
    // A server that completes the login and then never answers again.
    const sockets: net.Socket[] = [];
    const server = net.createServer((s) => {
      sockets.push(s);
      s.write('Username: ');
      let n = 0;
      s.on('data', (d) => {
        if (d.includes(0x0a)) n++;
        if (n === 1 && d.includes(0x0a)) s.write('Password: ');
        if (n === 2 && d.includes(0x0a)) { s.write('>>> '); n++; }
      });
    });
    await new Promise<void>((r) => server.listen(0, HOST, () => r()));
    try {
      const ev = await TelnetEvaluator.connect({ host: HOST, port: (server.address() as net.AddressInfo).port, password: 'x', timeoutMs: 2000 });
      await rejects(ev.evaluate(() => '1', 1, { timeoutMs: 300 }), 'timeout');
      ev.dispose();
    } finally {
      for (const s of sockets) s.destroy();
      server.close();
    }
  });
});
