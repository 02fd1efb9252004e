// How long each engine call over Scrapy's telnet console holds the crawl's reactor (the manhole
// runs every line on it): a Twisted LoopingCall ticking every 10 ms inside the crawl records the
// longest gap between ticks while the call runs; the baseline is the same gap over an idle second
// of the same crawl. The crawl carries BENCH_BALLAST (default 1 M) extra untracked dicts so the
// partitions have a heap to walk. Prints milliseconds and ratios; asserts nothing.
import { PythonEngine } from '../extension/runtimes/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../extension/runtimes/python/agentBundle';
import { TelnetEvaluator } from '../extension/runtimes/scrapy/telnet/telnetEvaluator';
import { CrawlFixture } from '../test/shared/crawlFixture';
import { sleep } from '../test/shared/waitFor';

const BALLAST = Number(process.env.BENCH_BALLAST ?? 1_000_000);

async function main(): Promise<void> {
  const leaky = new CrawlFixture({ site: { delayMs: 5, products: 20_000 }, crawl: { timeoutS: 300, env: { LEAKY_CONCURRENCY: '8' } } });
  const { crawl } = await leaky.start();
  const login = { host: '127.0.0.1', port: crawl.telnetPort!, password: crawl.telnetPassword! };
  const probe = await TelnetEvaluator.connect(login);
  const evaluator = await TelnetEvaluator.connect(login);
  try {
    const engine = new PythonEngine(evaluator, loadAgentBundle(findAgentDir(__dirname)));
    await probe.run(`lr_ballast = [{'a': i} for i in range(${BALLAST})]`, { timeoutMs: 120_000 });
    await probe.run("lr_gap = [0.0, __import__('time').monotonic()]");
    await probe.run("lr_tick = (lambda t: lambda: (lr_gap.__setitem__(0, max(lr_gap[0], t.monotonic() - lr_gap[1])), lr_gap.__setitem__(1, t.monotonic())))(__import__('time'))");
    await probe.run("lr_loop = __import__('twisted.internet.task', fromlist=['x']).LoopingCall(lr_tick); lr_loop.start(0.01)");
    // The delays here are the measurement: the reactor's longest gap over a quiet moment before
    // each call, and over an idle second as the baseline.
    const stall = async (work: () => Promise<unknown>): Promise<[number, number]> => {
      await sleep(300);
      await probe.run('lr_gap[0] = 0.0');
      const started = Date.now();
      await work();
      const took = Date.now() - started;
      await sleep(50);
      return [took, Number(await probe.run('round(lr_gap[0] * 1000, 1)'))];
    };
    await sleep(3000); // the crawl and the ticking loop under way
    const [, idle] = await stall(() => sleep(1000));
    console.log(`ballast ${BALLAST} dicts; idle reactor: longest gap ${idle} ms (baseline); job step budget ${evaluator.jobStepBudgetMs} ms`);
    console.log('call                              total ms   longest reactor stall ms   × idle');
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['agent install + liveRefs', () => engine.liveRefs([])],
      ['liveRefs (view refresh)', () => engine.liveRefs([])],
      ["prefs() (Scrapy's own)", () => evaluator.run('prefs()')],
      ['oldest HtmlResponse', () => engine.oldest('HtmlResponse')],
      ['iterAll 500', () => engine.iterAll({ className: 'HtmlResponse', offset: 0, limit: 500 })],
      ['why (oldest response)', async () => { const o = await engine.oldest('HtmlResponse'); if (o?.handle) await engine.why(o.handle); }],
      ['partition by type', () => engine.partition({ by: 'type', limit: 50, samples: 0 })],
      ['partition by via HtmlResponse', () => engine.partition({ by: 'via', className: 'HtmlResponse', limit: 50, samples: 5 })],
    ];
    for (const [name, work] of calls) {
      const [took, gap] = await stall(work);
      console.log(`${name.padEnd(34)}${String(took).padStart(8)}   ${String(gap).padStart(24)}   ${(gap / Math.max(idle, 1)).toFixed(1).padStart(6)}`);
    }
    await probe.run('lr_loop.stop(); del lr_ballast, lr_loop, lr_tick, lr_gap');
    await engine.releaseAll();
  } finally {
    probe.dispose();
    evaluator.dispose();
    await leaky.stop();
  }
}

main().catch((error) => { console.error(error); process.exitCode = 1; });
