// `liveref` (dist/cli.js) against the seed's leaky crawl run by Debian's Scrapy under
// `python3 -m debugpy --listen`, with Scrapy's telnet console on: the CLI's prefs is checked
// against Scrapy's own format_live_refs() read through the telnet console in the same process.
import * as assert from 'node:assert/strict';
import { TelnetEvaluator } from '../../extension/runtimes/scrapy/telnet/telnetEvaluator';
import { Crawl, FOLLOW_SPIDER_FILE, followLeakLine, leakLine, Site, SPIDER_FILE } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { parsePrefs } from '../shared/expectations';
import { waitFor } from '../shared/waitFor';
import { liveref } from './liverefCli';

/** The environment `liveref env` prints (export NAME='value' lines), as an object. */
async function liveRefEnv(): Promise<Record<string, string>> {
  const printed = await liveref(['env']);
  assert.equal(printed.code, 0, printed.stderr);
  const env: Record<string, string> = {};
  for (const m of printed.stdout.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)) env[m[1]] = m[2].replace(/'\\''/g, "'");
  assert.ok(env.PYTHONPATH, printed.stdout);
  return env;
}

const counts = (rows: Map<string, { count: number }>) => JSON.stringify([...rows].map(([k, v]) => [k, v.count]).sort());

describe('liveref CLI on the leaky crawl', function () {
  this.timeout(120_000);
  const leaky = new CrawlFixture({
    // A slow shop (3 s a page) keeps the crawl's counts still for seconds, so readings can agree.
    site: { products: 2000, delayMs: 3000 },
    // No tracemalloc: leak sites come from the creation-site hook, in from the first line.
    crawl: async () => ({ mode: 'debugpy', telnet: true, timeoutS: 110, env: { ...await liveRefEnv(), LEAKY_CONCURRENCY: '4' } }),
  });
  let site: Site;
  let crawl: Crawl;
  let telnet: TelnetEvaluator;
  let target: string;

  before(async () => {
    ({ site, crawl } = await leaky.start());
    target = `127.0.0.1:${crawl.debugpyPort}`;
    telnet = await TelnetEvaluator.connect({ host: '127.0.0.1', port: crawl.telnetPort!, password: crawl.telnetPassword! });
    await waitFor('the crawl to build up responses (3 or more)', async () => /HtmlResponse\s+([3-9]|\d\d)/.test(await telnet.run('prefs()')), 30_000, 500);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`crawl output (tail):\n${crawl?.output().slice(-2000)}`);
  });

  after(async () => {
    telnet?.dispose();
    await leaky.stop();
  });

  it('prints exactly the layout of print_live_refs(), with the counts Scrapy reports at that instant', async () => {
    for (let attempt = 0; ; attempt++) {
      const before = parsePrefs(await telnet.run('prefs()'));
      const ours = await liveref(['prefs', '--debugpy', target]);
      const after = parsePrefs(await telnet.run('prefs()'));
      assert.equal(ours.code, 0, ours.stderr);
      assert.match(ours.stdout, /^Live References\n\n/);
      const mine = parsePrefs(ours.stdout);
      // Only a reading taken while the crawl stood still can be compared exactly.
      if (counts(before) !== counts(after)) {
        assert.ok(attempt < 8, 'the crawl never stood still for a comparison');
        continue;
      }
      assert.equal(counts(mine), counts(before));
      for (const [name, row] of mine) assert.ok(Math.abs(row.age - before.get(name)!.age) <= 1, `${name} age ${row.age} vs ${before.get(name)!.age}`);
      for (const line of ours.stdout.split('\n').filter((l) => /oldest:/.test(l))) assert.match(line, /^\S.{29} {1}[ \d]{6} {3}oldest: \d+s ago$/);
      return;
    }
  });

  it('hides the spider with --ignore Spider', async () => {
    const all = await liveref(['prefs', '--debugpy', target]);
    const ignored = await liveref(['prefs', '--ignore', 'Spider', '--debugpy', target]);
    assert.match(all.stdout, /^LeakySpider /m);
    assert.doesNotMatch(ignored.stdout, /LeakySpider/);
    assert.match(ignored.stdout, /^HtmlResponse /m);
  });

  it('gates on --fail-over: exit 1 above the limit, 0 under it', async () => {
    const over = await liveref(['prefs', '--fail-over', 'HtmlResponse=1', '--debugpy', target]);
    assert.equal(over.code, 1);
    assert.match(over.stderr, /leak gate failed: HtmlResponse: \d+ live objects > 1/);
    const under = await liveref(['prefs', '--fail-over', 'HtmlResponse=1000000', '--debugpy', target]);
    assert.equal(under.code, 0, under.stderr);
  });

  it('oldest is the first product page, over debugpy and over telnet', async () => {
    const viaDebugpy = await liveref(['oldest', 'HtmlResponse', '--json', '--debugpy', target]);
    assert.equal(JSON.parse(viaDebugpy.stdout).url, site.firstProductUrl);
    const viaTelnet = await liveref(['oldest', 'HtmlResponse', '--json', '--telnet', `127.0.0.1:${crawl.telnetPort}`, '--password-env', 'LR_TEST_PW'], { LR_TEST_PW: crawl.telnetPassword! });
    assert.equal(JSON.parse(viaTelnet.stdout).url, site.firstProductUrl, viaTelnet.stderr);
  });

  it('iter lists every live response once, and --filter narrows it', async () => {
    const all = JSON.parse((await liveref(['iter', 'HtmlResponse', '--json', '--debugpy', target])).stdout) as Array<{ url: string }>;
    assert.ok(all.length >= 3);
    assert.equal(new Set(all.map((r) => r.url)).size, all.length);
    const some = JSON.parse((await liveref(['iter', 'HtmlResponse', '--filter', 'pid=1', '--limit', '3', '--json', '--debugpy', target])).stdout) as Array<{ url: string }>;
    assert.ok(some.length >= 1 && some.length <= 3);
    assert.ok(some.every((r) => /pid=1/.test(r.url)));
  });

  it('why prints the referrer chain down to the spider\'s meta={\'referer\': response} line, without tracemalloc', async () => {
    const why = await liveref(['why', 'HtmlResponse', '--debugpy', target]);
    assert.equal(why.code, 0, why.stderr);
    assert.match(why.stdout, /← \['referer'\]/);
    assert.match(why.stdout, /← \._meta\s+Request .* \[creation site\]$/m);
    assert.ok(why.stdout.includes(`leak site: ${SPIDER_FILE}:${leakLine()} [creation site]  (first frame outside the standard library, site-packages, dist-packages, pseudo files, scrapy, twisted)`), why.stdout);
    const json = JSON.parse((await liveref(['why', 'HtmlResponse', '--json', '--debugpy', target])).stdout) as { tracemalloc: boolean; creationSites: boolean };
    assert.equal(json.tracemalloc, false);
    assert.equal(json.creationSites, true);
  });

  it('why over the telnet console names the same line (same agent)', async () => {
    const why = await liveref(['why', 'HtmlResponse', '--telnet', `127.0.0.1:${crawl.telnetPort}`, '--password-env', 'LR_TEST_PW'], { LR_TEST_PW: crawl.telnetPassword! });
    assert.equal(why.code, 0, why.stderr);
    assert.ok(why.stdout.includes(`leak site: ${SPIDER_FILE}:${leakLine()} [creation site]`), why.stdout);
  });

  it('--library-modules makes the rule visible and configurable: with leaky as a library there is no leak site', async () => {
    const why = await liveref(['why', 'HtmlResponse', '--library-modules', 'scrapy,twisted,leaky', '--debugpy', target]);
    assert.equal(why.code, 0, why.stderr);
    assert.match(why.stdout, /^no leak site: no referrer on the chain was created in user code$/m);
    // The setting lives in the agent for this connection only: the next run is back to the default.
    const again = await liveref(['why', 'HtmlResponse', '--debugpy', target]);
    assert.ok(again.stdout.includes(`leak site: ${SPIDER_FILE}:${leakLine()}`), again.stdout);
  });

  it('retained HtmlResponse: the responses, their bodies and headers, with --json as {count, size, byType}', async () => {
    const live = parsePrefs((await liveref(['prefs', '--debugpy', target])).stdout).get('HtmlResponse')!.count;
    const run = await liveref(['retained', 'HtmlResponse', '--json', '--debugpy', target]);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as { count: number; size: number; setCount: number; byType: Array<{ label: string; count: number; size: number }> };
    assert.ok(Math.abs(r.setCount - live) <= 4, `set ${r.setCount} vs prefs ${live}`);
    const byType = new Map(r.byType.map((t) => [t.label, t]));
    assert.equal(byType.get('scrapy.http.response.html.HtmlResponse')?.count, r.setCount);
    // Every response's body is its own bytes object: freed with it, and most of the size.
    assert.ok(byType.get('bytes')!.count >= r.setCount, JSON.stringify(r.byType.slice(0, 5)));
    assert.ok(r.size > byType.get('scrapy.http.response.html.HtmlResponse')!.size * 5);
    assert.equal(r.count, r.byType.reduce((n, t) => n + t.count, 0));
    const text = await liveref(['retained', 'HtmlResponse', '--debugpy', target]);
    assert.match(text.stdout, /^Releasing class HtmlResponse \(\d+ objects\) would free \d+ objects, \d+ bytes/);
  });

  it('partition --retained adds a retained size to the via rows of HtmlResponse', async () => {
    const run = await liveref(['partition', '--by', 'via', '--class', 'HtmlResponse', '--retained', '--json', '--debugpy', target]);
    assert.equal(run.code, 0, run.stderr);
    const p = JSON.parse(run.stdout) as { rows: Array<{ label: string; count: number; size: number; retained?: { count: number; size: number } }> };
    const referer = p.rows.find((row) => row.label.includes("['referer']"));
    assert.ok(referer?.retained, run.stdout.slice(0, 500));
    assert.ok(referer.retained.count >= referer.count && referer.retained.size > referer.size);
    const plain = JSON.parse((await liveref(['partition', '--by', 'via', '--class', 'HtmlResponse', '--json', '--debugpy', target])).stdout) as { rows: Array<{ retained?: unknown }> };
    assert.ok(plain.rows.every((row) => row.retained === undefined));
  });

  it('--no-creation-sites leaves the hook the program already has (installed at launch) in place', async () => {
    const why = await liveref(['why', 'HtmlResponse', '--no-creation-sites', '--debugpy', target]);
    assert.equal(why.code, 0, why.stderr);
    assert.ok(why.stdout.includes(`leak site: ${SPIDER_FILE}:${leakLine()} [creation site]`), why.stdout);
  });

  it('explains a wrong address, a wrong password and a missing argument', async () => {
    const closed = await liveref(['prefs', '--debugpy', '127.0.0.1:1']);
    assert.equal(closed.code, 2);
    assert.match(closed.stderr, /No debugpy listening on 127\.0\.0\.1:1/);
    const badPassword = await liveref(['prefs', '--telnet', `127.0.0.1:${crawl.telnetPort}`, '--password-env', 'LR_TEST_PW'], { LR_TEST_PW: 'wrong-password' });
    assert.equal(badPassword.code, 2);
    assert.doesNotMatch(badPassword.stderr, /wrong-password/);
    assert.match(badPassword.stderr, /uthenticat/);
    const noClass = await liveref(['oldest', '--debugpy', target]);
    assert.equal(noClass.code, 2);
    assert.match(noClass.stderr, /oldest needs a CLASS/);
  });

  it('leaves nothing in the crawl\'s output', () => {
    assert.doesNotMatch(crawl.stdout(), /LRB64|^None$/m);
  });
});

describe('liveref why on a response.follow(..., cb_kwargs=...) leak', function () {
  this.timeout(90_000);
  const leaky = new CrawlFixture({
    site: { products: 200, delayMs: 1000 },
    crawl: async () => ({ spider: 'leaky_follow', mode: 'debugpy', telnet: false, timeoutS: 60, env: { ...await liveRefEnv(), LEAKY_CONCURRENCY: '4' } }),
  });
  let crawl: Crawl;

  before(async () => {
    ({ crawl } = await leaky.start());
    let prefs = { stdout: '', stderr: '' };
    await waitFor('the crawl to build up responses (2 or more)', async () => {
      prefs = await liveref(['prefs', '--debugpy', `127.0.0.1:${crawl.debugpyPort}`]);
      return /^HtmlResponse\s+([2-9]|\d\d)/m.test(prefs.stdout);
    }, 30_000, 500).catch((error: Error) => { throw new Error(`${error.message}: ${prefs.stdout}${prefs.stderr}`); });
  });

  after(() => leaky.stop());

  it('names the response.follow line in the spider, not the Request() call inside Scrapy', async () => {
    const why = await liveref(['why', 'HtmlResponse', '--debugpy', `127.0.0.1:${crawl.debugpyPort}`]);
    assert.equal(why.code, 0, why.stderr);
    assert.match(why.stdout, /← \['parent'\]/);
    assert.match(why.stdout, /← \._cb_kwargs/);
    assert.ok(why.stdout.includes(`leak site: ${FOLLOW_SPIDER_FILE}:${followLeakLine()} [creation site]`), why.stdout);
  });
});
