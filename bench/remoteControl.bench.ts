// Scrapy 2.19 remote control as the agent's transport (runs on the forky launcher, or PYTHON when it
// has Scrapy's remote control):
// 1. The longest stall of the crawl's asyncio loop during each kind of engine call: a task inside
//    the crawl wakes every 5 ms and records the longest gap between wake-ups while the call runs;
//    the baseline is the same gap over an idle second of the same crawl. The crawl carries
//    BENCH_BALLAST (default 300 k) untracked dicts so partitions have a heap to walk.
// 2. Crawl throughput (responses/s, from Scrapy's stats) with Live References refreshing over remote
//    control every BENCH_REFRESH_MS (default 2000, the view's default) against plain, in windows of
//    BENCH_WINDOW_S (default 15) s of the same crawl ordered plain, remote, remote, plain (twice), so
//    the crawl's own slowdown as its leak grows cancels out. Goal ≥ 0.98× plain. Prints; asserts nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PythonEngine } from '../extension/runtimes/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../extension/runtimes/python/agentBundle';
import { connectRemoteControl } from '../extension/runtimes/scrapy/remote/connectRemote';
import { readJobToken } from '../extension/runtimes/scrapy/remote/jobFiles';
import { RemoteControlClient } from '../extension/runtimes/scrapy/remote/remoteControlClient';
import { PYTHON } from '../test/fixtures/fixtureSite';
import { CrawlFixture } from '../test/shared/crawlFixture';
import { forkyPython, remoteControlMissing } from '../test/shared/scrapyRemote';
import { sleep, waitFor } from '../test/shared/waitFor';

const BALLAST = Number(process.env.BENCH_BALLAST ?? 300_000);
const REFRESH_MS = Number(process.env.BENCH_REFRESH_MS ?? 2000);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 15);

const TICKER = `
import asyncio, time
_b = stash.setdefault('liverefBench', {'gap': 0.0, 'last': time.monotonic(), 'stop': False})
async def _tick(b=_b):
    while not b['stop']:
        await asyncio.sleep(0.005)
        now = time.monotonic()
        b['gap'] = max(b['gap'], now - b['last'])
        b['last'] = now
_b['task'] = asyncio.get_running_loop().create_task(_tick())
_b['ballast'] = [{'a': i} for i in range(${BALLAST})]
`;

async function main(): Promise<void> {
  const python = remoteControlMissing(PYTHON) === undefined ? PYTHON : forkyPython();
  const missing = remoteControlMissing(python);
  if (missing) { console.log(`remoteControl bench skipped: ${missing}`); return; }
  const jobsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-bench-jobs-'));
  const leaky = new CrawlFixture({
    site: { delayMs: 5, products: 50_000 },
    crawl: { python, telnet: false, timeoutS: 600, env: { LEAKY_CONCURRENCY: '8' }, settings: { REMOTE_CONTROL_JOBS_DIR: jobsDir } },
  });
  await leaky.start();
  await waitFor('the job file', () => fs.readdirSync(jobsDir).some((n) => n.endsWith('.json')), 20_000, 200);
  const pid = Number(fs.readdirSync(jobsDir).find((n) => n.endsWith('.json'))!.split('-')[0]);
  const { job, token } = readJobToken(pid, jobsDir);
  const probe = new RemoteControlClient({ port: job.port, pid, token });
  const py = async (code: string) => (await probe.execute(code, { timeoutMs: 120_000 })).output.trim();
  const bundle = loadAgentBundle(findAgentDir(__dirname));
  const { evaluator } = await connectRemoteControl({ pid, jobsDir, agentModuleKey: bundle.moduleKey });
  const engine = new PythonEngine(evaluator, bundle);
  try {
    await py(TICKER);
    console.log(`python ${python}; ballast ${BALLAST} dicts; job step budget ${evaluator.jobStepBudgetMs} ms`);
    await stalls(engine, py);
    await throughput(engine, py);
    await py("_b = stash.pop('liverefBench'); _b['stop'] = True");
    await engine.releaseAll();
  } finally {
    probe.close();
    await evaluator.close();
    await leaky.stop();
    fs.rmSync(jobsDir, { recursive: true, force: true });
  }
}

async function stalls(engine: PythonEngine, py: (code: string) => Promise<string>): Promise<void> {
  // The delays are the measurement: a quiet moment before each call, an idle second as baseline.
  const stall = async (work: () => Promise<unknown>): Promise<[number, number]> => {
    await sleep(300);
    await py("stash['liverefBench']['gap'] = 0.0");
    const started = Date.now();
    await work();
    const took = Date.now() - started;
    await sleep(50);
    return [took, Number(await py("print(round(stash['liverefBench']['gap'] * 1000, 1))"))];
  };
  await sleep(2000);
  const [, idle] = await stall(() => sleep(1000));
  console.log(`idle loop: longest gap ${idle} ms (baseline)`);
  console.log('call                              total ms   longest loop stall ms   × idle');
  const calls: Array<[string, () => Promise<unknown>]> = [
    ['agent install + liveRefs', () => engine.liveRefs([])],
    ['liveRefs (view refresh)', () => engine.liveRefs([])],
    ['oldest HtmlResponse', () => engine.oldest('HtmlResponse')],
    ['iterAll 500', () => engine.iterAll({ className: 'HtmlResponse', offset: 0, limit: 500 })],
    ['why (oldest response)', async () => { const o = await engine.oldest('HtmlResponse'); if (o?.handle) await engine.why(o.handle); }],
    ['ages HtmlResponse', () => engine.ages({ className: 'HtmlResponse' })],
    ['partition by type (all rows)', () => engine.partition({ by: 'type', limit: 0, samples: 0 })],
    ['partition by via HtmlResponse', () => engine.partition({ by: 'via', className: 'HtmlResponse', limit: 50, samples: 5 })],
    ['retained HtmlResponse', () => engine.retained({ className: 'HtmlResponse', largest: 5 })],
    // References, not ours: what the crawl's heap costs any full pass over it.
    ['(ref) gc.get_objects() in the crawl', () => py('import gc; len(gc.get_objects())')],
    ['(ref) gc.collect() in the crawl', () => py('import gc; gc.collect()')],
  ];
  for (const [name, work] of calls) {
    const [took, gap] = await stall(work);
    console.log(`${name.padEnd(34)}${String(took).padStart(8)}   ${String(gap).padStart(21)}   ${(gap / Math.max(idle, 1)).toFixed(1).padStart(6)}`);
  }
}

async function throughput(engine: PythonEngine, py: (code: string) => Promise<string>): Promise<void> {
  const responses = async () => Number(await py("print(crawler.stats.get_value('response_received_count') or 0)"));
  const windowRate = async (refreshing: boolean): Promise<number> => {
    const from = await responses();
    const started = Date.now();
    let refreshes = 0;
    while (Date.now() - started < WINDOW_S * 1000) {
      if (refreshing) { await engine.liveRefs([]); refreshes++; }
      await sleep(refreshing ? REFRESH_MS : 250);
    }
    const rate = (await responses() - from) / ((Date.now() - started) / 1000);
    console.log(`  ${refreshing ? `refreshing (${refreshes} liveRefs)` : 'plain'}: ${rate.toFixed(1)} responses/s`);
    return rate;
  };
  console.log(`throughput: ${WINDOW_S} s windows (plain, remote, remote, plain) × 2, refresh every ${REFRESH_MS} ms`);
  const plain: number[] = [];
  const remote: number[] = [];
  for (let round = 0; round < 2; round++) {
    plain.push(await windowRate(false));
    remote.push(await windowRate(true));
    remote.push(await windowRate(true));
    plain.push(await windowRate(false));
  }
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  console.log(`throughput with Live References refreshing over remote control: ${(sum(remote) / sum(plain)).toFixed(3)}× plain (goal ≥ 0.98)`);
}

main().catch((error) => { console.error(error); process.exitCode = 1; });
