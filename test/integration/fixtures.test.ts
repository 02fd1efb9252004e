// The fixtures themselves: the local shop and the seed's leaky crawl, checked through the crawl's
// real telnet console (prefs(), get_oldest()) — the same numbers the doc shows — and through
// debugpy when the crawl runs under it. Every crawl ≤ 60 s, killed in the hooks.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { TelnetEvaluator } from '../../extension/runtimes/scrapy/telnet/telnetEvaluator';
import { LEAKY_DIR, leakLine, PYTHON, Site, SPIDER_FILE, startSite } from '../fixtures/fixtureSite';
import { evalJson } from './debuggee';
import { connectDebugpy } from '../../extension/runtimes/python/dap/dapSocketClient';
import { CrawlFixture } from '../shared/crawlFixture';
import { parsePrefs } from '../shared/expectations';
import { orAfter, waitFor } from '../shared/waitFor';

const TRACKREF = "__import__('scrapy.utils.trackref', fromlist=['x'])";

function get(url: string): Promise<{ status: number; body: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    http.get(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, ms: Date.now() - started }));
    }).on('error', reject);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('fixture shop', function () {
  this.timeout(30_000);
  let site: Site;
  before(async () => { site = await startSite({ products: 600, delayMs: 20 }); });
  after(async () => { await site?.stop(); });

  it('serves categories, product pages linking further products, and 404 beyond the last product', async () => {
    const home = await get(`${site.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.body, /href="\/category\.php\?cat=1"/);
    const first = await get(site.firstProductUrl);
    assert.equal(first.status, 200);
    assert.match(first.body, /<title>Product 1<\/title>/);
    assert.match(first.body, /href="\/product\.php\?pid=2"/);
    assert.ok(first.ms >= 15, `responses are delayed (${first.ms} ms)`);
    assert.equal((await get(site.productUrl(600))).status, 200);
    assert.equal((await get(site.productUrl(601))).status, 404);
    assert.equal((await get(`${site.url}/product.php?pid=abc`)).status, 400);
  });

  it('has hostile pages: script tags, non-ASCII, a very long title, quotes and fake markers', async () => {
    const body = async (pid: number) => (await get(site.productUrl(pid))).body;
    assert.match(await body(97), /<h1>Café “déjà vu” — 日本語 😀<\/h1>/);
    assert.match(await body(97), /href="\/product\.php\?pid=97&amp;q=&lt;script&gt;alert\(1\)&lt;\/script&gt;&amp;n=日本/);
    assert.match(await body(194), /quote ' double " backslash \\ LRB64< not a marker >LRB64/);
    assert.match(await body(291), /\u202eevil bidi override/);
    assert.match(await body(388), new RegExp(`<title>${'x'.repeat(5000)}</title>`));
    assert.match(await body(485), /<h1><script>alert\(1\)<\/script><\/h1>/);
  });

  it('listens on 127.0.0.1 only', async () => {
    const external = Object.values(os.networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal);
    for (const iface of external) {
      await assert.rejects(new Promise<void>((resolve, reject) => {
        const s = net.connect(site.port, iface!.address, () => { s.destroy(); resolve(); });
        s.on('error', reject);
        s.setTimeout(2000, () => { s.destroy(); reject(new Error('timeout')); });
      }), `reachable on ${iface!.address}`);
    }
  });

  it('stops by itself after its lifetime, and stop() kills what it started', async () => {
    const short = await startSite({ lifetimeS: 1 });
    assert.equal(await orAfter(short.exited, 5000, 'running'), 0);
    await short.stop();
    const other = await startSite();
    assert.ok(alive(other.pid));
    await other.stop();
    assert.ok(!alive(other.pid));
  });
});

describe('the seed\'s leaky crawl', function () {
  this.timeout(60_000);
  const leaky = new CrawlFixture({ site: { delayMs: 20 } });
  let site: Site;
  before(async () => { site = await leaky.startSite(); });
  afterEach(() => leaky.stopCrawl());
  after(() => leaky.stop());

  it("has the doc's leak on one line of parse(): meta={'referer': response}", () => {
    const line = leakLine();
    const text = fs.readFileSync(SPIDER_FILE, 'utf8').split('\n');
    assert.match(text[line - 1], /^\s+yield scrapy\.Request\(url, callback=self\.parse_product, meta=\{'referer': response\}\)$/);
    assert.equal(text.filter((l) => l.includes("meta={'referer': response}")).length, 1);
    const def = text.slice(0, line).reverse().find((l) => /^\s+def /.test(l));
    assert.match(def!, /def parse\(self, response\)/);
  });

  it('leaks: live HtmlResponses grow while it runs and the oldest is the first product page', async () => {
    const crawl = await leaky.startCrawl({ timeoutS: 60 });
    assert.equal(crawl.startUrl, site.firstProductUrl);
    const ev = await TelnetEvaluator.connect({ host: '127.0.0.1', port: crawl.telnetPort!, password: crawl.telnetPassword! });
    try {
      await crawl.waitForLog(/Crawled \d+ pages/, 10_000);
      const before = await waitFor('a live HtmlResponse', async () => { const rows = parsePrefs(await ev.run('prefs()')); return rows.has('HtmlResponse') && rows; }, 20_000, 250);
      const b = before.get('HtmlResponse')!.count;
      // Leaking is growing while the oldest one ages: wait for 20 more responses, 2 s older.
      let prefsText = '';
      const after = await waitFor('20 more live HtmlResponses, the oldest 2 s older', async () => {
        prefsText = await ev.run('prefs()');
        const rows = parsePrefs(prefsText);
        const now = rows.get('HtmlResponse');
        return now && now.count > b + 20 && now.age >= before.get('HtmlResponse')!.age + 2 && rows;
      }, 30_000, 250);
      const a = after.get('HtmlResponse')!.count;
      assert.ok(a > b + 20, `HtmlResponse ${b} → ${a}\n${prefsText}`);
      assert.ok(after.get('HtmlResponse')!.age >= before.get('HtmlResponse')!.age + 2, prefsText);
      assert.ok(after.get('Request')!.count > 0);
      assert.equal(await ev.run(`${TRACKREF}.get_oldest('HtmlResponse').url`), `'${site.firstProductUrl}'`);
      // The chain that keeps it: the newest response's request's meta['referer'] → … → the first.
      // The deepest chain among the newest responses (one still being parsed may have no request yet).
      const depthText = await ev.run(`max((lambda r: (lambda f: f(f, r, 0))(lambda f, r, n: f(f, r.request.meta['referer'], n + 1) if getattr(r, 'request', None) is not None and 'referer' in r.request.meta else n))(r) for r in list(${TRACKREF}.iter_all('HtmlResponse'))[-20:])`);
      assert.ok(Number(depthText) >= 5, `referer chain depth ${depthText}`);
    } finally {
      ev.dispose();
    }
  });

  it('runs under debugpy (python3 -m debugpy --listen … -m scrapy crawl leaky) with the telnet console too', async () => {
    const crawl = await leaky.startCrawl({ mode: 'debugpy', timeoutS: 60 });
    assert.ok(crawl.debugpyPort);
    const ev = await TelnetEvaluator.connect({ host: '127.0.0.1', port: crawl.telnetPort!, password: crawl.telnetPassword! });
    const { evaluator, client } = await connectDebugpy('127.0.0.1', crawl.debugpyPort!);
    try {
      assert.equal(await ev.run("'pydevd' in __import__('sys').modules"), 'True');
      await crawl.waitForLog(/Crawled \d+ pages/, 10_000);
      await waitFor('a live HtmlResponse', async () => await ev.run(`${TRACKREF}.get_oldest('HtmlResponse') is not None`) === 'True', 20_000, 250);
      const viaDebugpy = await evalJson<string>(evaluator, `${TRACKREF}.get_oldest('HtmlResponse').url`);
      assert.equal(viaDebugpy, site.firstProductUrl);
      assert.equal(await ev.run(`${TRACKREF}.get_oldest('HtmlResponse').url`), `'${site.firstProductUrl}'`);
    } finally {
      ev.dispose();
      await client.close().catch(() => undefined);
    }
  });

  it('without the telnet console: no telnet port, nothing listening', async () => {
    const crawl = await leaky.startCrawl({ telnet: false, timeoutS: 20 });
    assert.equal(crawl.telnetPort, undefined);
    assert.ok(!/Telnet console listening/.test(crawl.output()));
    assert.ok(!/TelnetConsole/.test(crawl.output()));
  });

  it('a fixed password from the environment replaces the random one', async () => {
    const crawl = await leaky.startCrawl({ telnetPassword: 'fixed-secret-123', timeoutS: 20 });
    assert.equal(crawl.telnetPassword, 'fixed-secret-123');
    assert.ok(!/Telnet Password:/.test(crawl.output()));
    // Scrapy 2.8 itself lists TELNETCONSOLE_PASSWORD under "Overridden settings": not a secret in the log.
    assert.match(crawl.output(), /'TELNETCONSOLE_PASSWORD': 'fixed-secret-123'/);
    const ev = await TelnetEvaluator.connect({ host: '127.0.0.1', port: crawl.telnetPort!, password: 'fixed-secret-123' });
    assert.equal(await ev.run('1+1'), '2');
    ev.dispose();
  });

  it('stop() kills the crawl by its process group and waits for it', async () => {
    const crawl = await leaky.startCrawl({ mode: 'debugpy', timeoutS: 60 });
    const pid = crawl.pid;
    assert.ok(alive(pid));
    await crawl.stop();
    assert.ok(!alive(pid));
  });

  it('run.py starts its own shop and a bounded crawl when no START_URL is given', async () => {
    const env = { ...process.env, LEAKY_TIMEOUT_S: '3', LEAKY_TELNET_PORT: '0' } as Record<string, string>;
    delete env.START_URL;
    const child = spawn(PYTHON, [path.join(LEAKY_DIR, 'run.py')], { cwd: os.tmpdir(), env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => { out += d; });
    child.stderr!.on('data', (d) => { out += d; });
    const code = await orAfter(new Promise<number | null>((r) => child.once('exit', (c) => r(c))), 30_000, 'timeout' as const);
    if (code === 'timeout') try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ }
    assert.equal(code, 0, out.slice(-2000));
    assert.match(out, /fixture shop: http:\/\/127\.0\.0\.1:\d+\/product\.php\?pid=1/);
    assert.match(out, /Closing spider \(closespider_timeout\)/);
    assert.match(out, /'item_scraped_count': \d+/);
    const shopPort = /fixture shop: http:\/\/127\.0\.0\.1:(\d+)/.exec(out)![1];
    await assert.rejects(get(`http://127.0.0.1:${shopPort}/`), 'the shop stopped with the crawl');
  });
});
