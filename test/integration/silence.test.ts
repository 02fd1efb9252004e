// The agent never writes into the program's output: a real Scrapy crawl under a real debugpy,
// with its telnet console on, gets every kind of call over both transports, and after each one
// its whole stdout/stderr (what the user sees in the crawl's log and, with debugpy's output
// redirection, in the Debug Console) and the DAP output events hold nothing the crawl did not
// log itself: no pydevd warning, no traceback, no echoed value.
import * as assert from 'node:assert/strict';
import { PythonEngine } from '../../extension/runtimes/python/pythonEngine';
import { connectDebugpy, DapSocketClient } from '../../extension/runtimes/python/dap/dapSocketClient';
import { TelnetEvaluator } from '../../extension/runtimes/scrapy/telnet/telnetEvaluator';
import type { LiveRefsEngine } from '../../extension/core/liveRefsEngine';
import type { Crawl } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { sleep } from '../shared/waitFor';

// A line Scrapy's logging writes (`2026-11-29 21:23:25 [scrapy.core.engine] INFO: …`) or the
// pprint continuation of one (settings, stats: `{'…`, ` '…`).
const LOG_RECORD = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \[[^\]]+\] (DEBUG|INFO|WARNING|ERROR|CRITICAL): /;
const CONTINUATION = /^(\{'|\s+'|\s*\}|\[\]$)/;
const FORBIDDEN = /PYDEV|pydevd|settrace|Traceback|liveref|LRB64|Warning|^None$/im;

function foreignLines(text: string): string[] {
  return text.split(/\r?\n/).filter((line) => line && !LOG_RECORD.test(line) && !CONTINUATION.test(line));
}

describe('Silence: nothing the agent does reaches the program\'s output', function () {
  this.timeout(120_000);
  const leaky = new CrawlFixture({ site: { products: 3000, delayMs: 30 }, crawl: { mode: 'debugpy', telnet: true, timeoutS: 110, env: { LEAKY_CONCURRENCY: '4' } } });
  let crawl: Crawl;
  let client: DapSocketClient;
  let telnet: TelnetEvaluator;
  const engines: Record<string, LiveRefsEngine> = {};
  const outputEvents: string[] = [];
  let mark = 0;

  /** The program's output since the previous check must be the crawl's own log. */
  async function quiet(label: string, work: () => Promise<unknown>): Promise<void> {
    await work();
    // Nothing may appear: give stray output the time to come through the crawl's pipes.
    await sleep(400);
    const text = crawl.output().slice(mark);
    mark += text.length;
    assert.doesNotMatch(text, FORBIDDEN, `${label} wrote into the program's output:\n${text}`);
    assert.deepEqual(foreignLines(text), [], `${label}: lines the crawl did not log`);
    assert.deepEqual(outputEvents.splice(0), [], `${label}: DAP output events`);
  }

  before(async () => {
    ({ crawl } = await leaky.start());
    await crawl.waitForLog(/Crawled \d+ pages/, 30_000);
    const debugpy = await connectDebugpy('127.0.0.1', crawl.debugpyPort!);
    client = debugpy.client;
    client.onEvent((event, body) => {
      const b = body as { category?: string; output?: string };
      if (event === 'output' && b.category !== 'telemetry') outputEvents.push(`${b.category}: ${b.output}`);
    });
    engines.debugpy = new PythonEngine(debugpy.evaluator);
    telnet = await TelnetEvaluator.connect({ host: '127.0.0.1', port: crawl.telnetPort!, password: crawl.telnetPassword! });
    engines.telnet = new PythonEngine(telnet);
    mark = crawl.output().length;
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`crawl output (tail):\n${crawl?.output().slice(-3000)}`);
  });

  after(async () => {
    telnet?.dispose();
    await client?.close().catch(() => undefined);
    await leaky.stop();
  });

  for (const transport of ['debugpy', 'telnet']) {
    it(`every kind of call over ${transport}: prefs, oldest, iter, inspect, why, source, both partitions, cancel`, async () => {
      const engine = engines[transport];
      await quiet('install + prefs', () => engine.liveRefs([]));
      const oldest = await engine.oldest('HtmlResponse');
      assert.ok(oldest?.handle, 'no oldest HtmlResponse');
      await quiet('oldest', async () => oldest);
      await quiet('iter', () => engine.iterAll({ className: 'HtmlResponse', offset: 0, limit: 50, filter: 'pid' }));
      await quiet('inspect', async () => {
        const children = await engine.inspect(oldest.handle!, 0, 100);
        // Open a child too: its repr runs in the agent's sandbox worker thread.
        const child = children.children.find((c) => c.value.handle && c.via.includes('selector'));
        if (child) await engine.inspect(child.value.handle!, 0, 100);
      });
      await quiet('why', () => engine.why(oldest.handle!));
      await quiet('source', () => engine.sourceOf(oldest.handle!));
      await quiet('partition by type', () => engine.partition({ by: 'type', limit: 20, samples: 2 }));
      await quiet('partition by via', () => engine.partition({ by: 'via', type: 'dict', limit: 20, samples: 2 }));
      await quiet('cancel', async () => {
        const abort = new AbortController();
        const running = engine.partition({ by: 'via', type: 'dict', limit: 20, samples: 2 }, { signal: abort.signal, onProgress: () => abort.abort() });
        await assert.rejects(running, /Cancelled/);
      });
      await quiet('release', () => engine.release([oldest.handle!]));
    });
  }
});
