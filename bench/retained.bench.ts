// Retained size against the reachability floor, in the same run, over a real debugpy socket:
//  1. the 100,000 Requests of bench/programs_heap.py (about 3 M objects);
//  2. the HtmlResponse set of a leaky crawl grown to 5,000 live responses (BENCH_PAGES).
// The floor is partition.bench's pure-Python reachability pass (gc.get_objects() then
// gc.get_referents in batches, de-duplicated by id), run in the program. Peak extra memory is
// measured in a second retained run with tracemalloc started just before it (only allocations
// made from then on are traced), against the program's resident size. Asserts nothing.
import { PythonEngine } from '../extension/runtimes/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../extension/runtimes/python/agentBundle';
import { connectDebugpy } from '../extension/runtimes/python/dap/dapSocketClient';
import type { DapEvaluator } from '../extension/runtimes/python/dap/dapEvaluator';
import type { RetainedRequest } from '../extension/core/types';
import { evalJson } from '../test/integration/debuggee';
import { CrawlFixture } from '../test/shared/crawlFixture';
import { waitFor } from '../test/shared/waitFor';
import { REACHABILITY_FLOOR, type FloorResult, inProgram, startHeapProgram } from './pythonHeapBench';

const RSS = `
import os
with open('/proc/self/statm') as f:
    result = int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')
`;
const TRACE_START = `
import tracemalloc
tracemalloc.start(1)
result = True
`;
const TRACE_STOP = `
import tracemalloc
result = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
`;

// Scrapy's own count of responses received, read through the spider that trackref tracks.
const RECEIVED = `[next(iter(w.data))().crawler.stats.get_value('response_received_count', 0) for c, w in list(__import__('sys').modules['scrapy.utils.trackref'].live_refs.items()) if c.__name__ == 'LeakySpider' and len(w)][0]`;

const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;

async function measure(name: string, evaluator: DapEvaluator, request: RetainedRequest): Promise<void> {
  const engine = new PythonEngine(evaluator, loadAgentBundle(findAgentDir(__dirname)));
  await engine.info();
  const t0 = performance.now();
  const r = await engine.retained(request);
  const seconds = (performance.now() - t0) / 1000;
  const floor = await evalJson<FloorResult>(evaluator, inProgram(REACHABILITY_FLOOR));
  const rss = await evalJson<number>(evaluator, inProgram(RSS));
  await evalJson(evaluator, inProgram(TRACE_START));
  await engine.retained(request);
  const peak = await evalJson<number>(evaluator, inProgram(TRACE_STOP));
  await engine.releaseAll();
  console.log(`${name}: set ${r.setCount.toLocaleString()}, frees ${r.count.toLocaleString()} objects / ${mb(r.size)}${r.exact ? '' : ' (cycle budget hit)'}; agent ${r.elapsedMs} ms`);
  console.log(`  heap: ${floor.objects.toLocaleString()} reachable objects, RSS ${mb(rss)}`);
  console.log(`  floor (reachability pass, in-process): ${floor.seconds.toFixed(2)} s`);
  console.log(`  retained (round trip):                 ${seconds.toFixed(2)} s   ${(seconds / floor.seconds).toFixed(2)}× floor`);
  console.log(`  peak extra memory (tracemalloc run):   ${mb(peak)}   ${((100 * peak) / rss).toFixed(1)} % of RSS`);
  console.log(`  top types: ${r.byType.slice(0, 5).map((t) => `${t.label} ${t.count}`).join(' | ')}`);
}

async function requestsHeap(): Promise<void> {
  const debuggee = await startHeapProgram();
  try {
    await measure('Request (bench/programs_heap.py)', debuggee.evaluator, { className: 'Request', largest: 0 });
  } finally {
    await debuggee.stop();
  }
}

async function crawlHeap(): Promise<void> {
  const pages = Number(process.env.BENCH_PAGES ?? '5000');
  // Far more products than pages measured: the crawl must still run (and hold its heap) when the
  // count is reached; a finished crawl exits.
  const leaky = new CrawlFixture({
    site: { products: pages * 3, delayMs: 0, lifetimeS: 1800 },
    crawl: { mode: 'debugpy', telnet: false, timeoutS: 600, env: { LEAKY_CONCURRENCY: '16' }, startTimeoutMs: 60_000 },
  });
  const { crawl } = await leaky.start();
  const { evaluator, client } = await connectDebugpy('127.0.0.1', crawl.debugpyPort!);
  try {
    // "A 5,000-page crawl": the leaky spider frees a response once its last child request is
    // done, so the live count levels off below the pages crawled; count the pages instead.
    let received = 0;
    await waitFor(`${pages} responses received`, async () => {
      received = await evalJson<number>(evaluator, RECEIVED);
      if (process.env.BENCH_VERBOSE) console.error(`[bench] ${received} responses received`);
      return received >= pages;
    }, 20 * 60_000, 3000).catch(() => { throw new Error(`the crawl received only ${received} responses`); });
    // Hold the crawl still while measuring (its reactor thread sleeps; debugpy's evaluate runs on
    // another thread): otherwise the crawl's own allocations would count as our extra memory and
    // its work would compete with both the floor and ours for the GIL. The reactor sets an event
    // as it starts to sleep.
    await evalJson(evaluator, `(lambda e, t: __import__('sys').modules['twisted.internet.reactor'].callFromThread(lambda: (e.set(), t.sleep(90))) or setattr(__import__('builtins'), '_liveref_bench_held', e) or True)(__import__('threading').Event(), __import__('time'))`);
    await waitFor('the reactor to hold still', () => evalJson<boolean>(evaluator, `__import__('builtins')._liveref_bench_held.is_set()`), 30_000, 100);
    await measure(`HtmlResponse (leaky crawl, ${pages} pages, crawl held still)`, evaluator, { className: 'HtmlResponse', largest: 0 });
  } finally {
    await client.close();
    await leaky.stop();
  }
}

async function main(): Promise<void> {
  if (process.env.BENCH_ONLY !== 'crawl') await requestsHeap();
  if (process.env.BENCH_ONLY !== 'requests') await crawlHeap();
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
