// Ages, Mark Heap and Heap Since Mark end to end: `liveref ages | mark | diff` (dist/cli.js) over a
// real `python3 -m debugpy --listen`, each command a separate CLI run (the mark lives in the
// program), and the age histogram of the real leaky crawl paused through Scrapy's telnet console.
import * as assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findAgentDir } from '../../extension/runtimes/python/agentBundle';
import type { AgeHistogram, HeapMarkInfo } from '../../extension/core/types';
import { TelnetEvaluator } from '../../extension/runtimes/scrapy/telnet/telnetEvaluator';
import { CrawlFixture } from '../shared/crawlFixture';
import { sleep, waitFor } from '../shared/waitFor';
import { Debuggee, startDebuggee } from './debuggee';
import { liveref } from './liverefCli';

const REPO = path.join(findAgentDir(__dirname), '..');

interface DiffRow { label: string; count: number; size: number; countDelta: number; sizeDelta: number; newCount: number }


async function json<T>(args: string[]): Promise<T> {
  const r = await liveref([...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

/** Seconds of the longest run of empty buckets between the youngest and the oldest bar. */
function longestGap(h: AgeHistogram): number {
  let best = 0;
  let run = 0;
  for (const b of h.buckets) {
    run = b.count ? 0 : run + (b.highS - b.lowS);
    best = Math.max(best, run);
  }
  return best;
}

describe('liveref ages / mark / diff over a real debugpy', function () {
  this.timeout(90_000);
  let debuggee: Debuggee;
  let target: string;
  const trigger = path.join(mkdtempSync(path.join(os.tmpdir(), 'liveref-time-')), 'create');
  const created = (n: number) => new RegExp(`CREATED ${n}\\b`).test(debuggee.stdout());

  before(async () => {
    debuggee = await startDebuggee([path.join(REPO, 'test/integration/programs/timeline.py'), trigger], { waitForLine: /READY/ });
    // The CLI makes its own debugpy connection; debugpy serves one client at a time.
    await debuggee.client.close();
    target = `127.0.0.1:${debuggee.port}`;
  });

  after(async () => { await debuggee?.stop(); });

  it('ages: the buckets add up to the live count, and the program\'s pause is a gap', async () => {
    const h = await json<AgeHistogram>(['ages', 'Request', '--scale', 'linear', '--bins', '40', '--debugpy', target]);
    assert.equal(h.count, 300);
    assert.equal(h.buckets.reduce((s, b) => s + b.count, 0), 300);
    assert.ok(longestGap(h) >= 2, `gap ${longestGap(h)} s in ${JSON.stringify(h.buckets.map((b) => b.count))}`);
    const prefs = await json<{ rows: Array<{ className: string; count: number }> }>(['prefs', '--debugpy', target]);
    assert.equal(prefs.rows.find((r) => r.className === 'Request')?.count, h.count);
    const text = await liveref(['ages', 'Request', '--debugpy', target]);
    assert.match(text.stdout, /^Request: 300 live objects/);
  });

  it('mark, then objects created by the program, then diff in another run: exact countDelta', async () => {
    const mark = await json<HeapMarkInfo>(['mark', '--debugpy', target]);
    assert.ok(mark.count > 10_000);
    assert.ok(mark.markBytes <= 0.1 * mark.size, `mark ${mark.markBytes} bytes for a ${mark.size}-byte heap`);
    writeFileSync(trigger, '');
    await waitFor('the program to create its objects', () => created(1), 20_000);
    const diff = await json<{ markedAt: number; rows: DiffRow[] }>(['diff', '--limit', '5000', '--debugpy', target]);
    assert.equal(diff.markedAt, mark.markedAt, 'the mark survived between CLI runs');
    const row = (label: string) => diff.rows.find((r) => r.label === label);
    assert.equal(row('__main__.Leak')?.countDelta, 250);
    assert.equal(row('__main__.Leak')?.count, 250);
    assert.equal(row('scrapy.http.request.Request')?.countDelta, 40);
    assert.equal(row('scrapy.http.request.Request')?.newCount, 40);
    for (const key of ['label', 'count', 'size', 'countDelta', 'sizeDelta'] as const) assert.ok(key in diff.rows[0]);
    const deltas = diff.rows.map((r) => r.countDelta);
    assert.deepEqual(deltas, [...deltas].sort((a, b) => b - a), 'sorted by growth');
    const text = await liveref(['diff', '--debugpy', target]);
    assert.match(text.stdout, /^Heap since mark/);
    assert.match(text.stdout, /\+250\s.*__main__\.Leak$/m);
  });

  it('diff without a mark says to mark first', async () => {
    const other = await startDebuggee(['-c', 'import time; print("READY", flush=True); time.sleep(60)'], { waitForLine: /READY/ });
    try {
      await other.client.close();
      const r = await liveref(['diff', '--debugpy', `127.0.0.1:${other.port}`]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /run Mark Heap first/);
    } finally {
      await other.stop();
    }
  });
});

describe('age histogram of the leaky crawl paused for a while', function () {
  this.timeout(120_000);
  const leaky = new CrawlFixture({ site: { products: 2000, delayMs: 100 }, crawl: { mode: 'debugpy', telnet: true, timeoutS: 110, env: { LEAKY_CONCURRENCY: '2' } } });
  let telnet: TelnetEvaluator;

  before(async () => {
    const { crawl } = await leaky.start();
    telnet = await TelnetEvaluator.connect({ host: '127.0.0.1', port: crawl.telnetPort!, password: crawl.telnetPassword! });
  });

  after(async () => {
    telnet?.dispose();
    await leaky.stop();
  });

  it('shows the pause as a gap between two runs of bars', async () => {
    const count = async () => Number(/HtmlResponse\s+(\d+)/.exec(await telnet.run('prefs()'))?.[1] ?? 0);
    await waitFor('10 live responses', async () => await count() >= 10, 60_000, 200);
    await telnet.run('engine.pause()');
    const paused = await count();
    // The pause is what the histogram must show: 4 s without a new response.
    await sleep(4000);
    await telnet.run('engine.unpause()');
    await waitFor('10 more live responses', async () => await count() >= paused + 10, 60_000, 200);
    const h = await json<AgeHistogram>(['ages', 'HtmlResponse', '--scale', 'linear', '--bins', '60', '--debugpy', `127.0.0.1:${leaky.crawl.debugpyPort}`]);
    assert.equal(h.buckets.reduce((s, b) => s + b.count, 0), h.count);
    // In-flight downloads finish just after the pause; the rest of the 4 s has no new response.
    assert.ok(longestGap(h) >= 2.5, `gap ${longestGap(h).toFixed(2)} s in ${JSON.stringify(h.buckets.map((b) => b.count))}`);
    assert.ok(h.buckets[0].count > 0 && h.buckets[h.buckets.length - 1].count > 0);
  });
});
