// Scrapy 2.19 remote control as the agent's transport (runs on the forky launcher, or PYTHON when it
// has Scrapy's remote control):
// 1. The longest stall of the crawl's asyncio loop during each kind of engine call: a task inside
//    the crawl wakes every 5 ms and records the longest gap between wake-ups while the call runs;
//    the baseline is the same gap over idle seconds of the same crawl. The crawl carries
//    BENCH_BALLAST (default 300 k) untracked dicts so partitions have a heap to walk. Each call
//    runs twice: with short calls (the remote-control evaluator's setting: heap passes in slices,
//    agent/gcslices.py) and, in the same crawl, with them off (one C call per heap pass, as
//    debugpy and telnet run it), BENCH_ROUNDS (default 3) times each: the longest stall of all
//    rounds and the median of the rounds' longest (a shared machine stalls any process now and
//    then: the median says what the call itself costs).
// 2. Crawl throughput (responses/s, from Scrapy's stats) with Live References refreshing over remote
//    control every BENCH_REFRESH_MS (default 2000, the view's default) against plain, in windows of
//    BENCH_WINDOW_S (default 15) s of the same crawl ordered plain, remote, remote, plain (twice), so
//    the crawl's own slowdown as its leak grows cancels out. Goal ≥ 0.98× plain. Prints; asserts nothing.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PythonEngine } from '../extension/runtimes/python/pythonEngine';
import type { Evaluator } from '../extension/runtimes/python/evaluator';
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
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

// BENCH_DUMP=FILE: every stall over 40 ms writes the crawl's thread stacks to FILE (faulthandler's
// own thread needs no GIL, so the dump shows what holds it), to find what stalls the loop.
const DUMP = process.env.BENCH_DUMP ?? '';

const TICKER = `
import asyncio, faulthandler, time
_b = stash.setdefault('liverefBench', {'gap': 0.0, 'last': time.monotonic(), 'stop': False})
_b['dump'] = open(${JSON.stringify(DUMP)}, 'w') if ${JSON.stringify(DUMP)} else None
async def _tick(b=_b):
    while not b['stop']:
        await asyncio.sleep(0.005)
        now = time.monotonic()
        b['gap'] = max(b['gap'], now - b['last'])
        b['last'] = now
        if b['dump'] is not None:
            faulthandler.dump_traceback_later(0.04, file=b['dump'])
    if b['dump'] is not None:
        faulthandler.cancel_dump_traceback_later()
        b['dump'].close()
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
  // The same transport with short calls off: what the agent's whole-heap C calls cost the loop.
  const whole: Evaluator = {
    description: evaluator.description, jobStepBudgetMs: evaluator.jobStepBudgetMs, shortCalls: false,
    evaluate: (build, id, options) => evaluator.evaluate(build, id, options),
    execute: (code, options) => evaluator.execute(code, options),
    dispose: () => undefined,
  };
  const wholeEngine = new PythonEngine(whole, bundle);
  try {
    await py(TICKER);
    console.log(`python ${python}; ballast ${BALLAST} dicts; job step budget ${evaluator.jobStepBudgetMs} ms`);
    await stalls(engine, wholeEngine, py);
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

type Stall = [took: number, gap: number, medianGap: number];

async function stalls(engine: PythonEngine, whole: PythonEngine, py: (code: string) => Promise<string>): Promise<void> {
  // The delays are the measurement: a quiet moment before each call, idle seconds as baseline.
  const stall = async (work: () => Promise<unknown>, name = ''): Promise<[number, number]> => {
    await sleep(300);
    await py("stash['liverefBench']['gap'] = 0.0");
    const started = Date.now();
    await work();
    const took = Date.now() - started;
    await sleep(50);
    if (DUMP) await py(`_d = stash['liverefBench']['dump']\nif _d: _d.write('==== end of ${name} (${took} ms)\\n'); _d.flush()`);
    return [took, Number(await py("print(round(stash['liverefBench']['gap'] * 1000, 1))"))];
  };
  const worst = async (work: () => Promise<unknown>, name: string): Promise<Stall> => {
    const rounds: Array<[number, number]> = [];
    for (let round = 0; round < ROUNDS; round++) rounds.push(await stall(work, name));
    const gaps = rounds.map((r) => r[1]).sort((a, b) => a - b);
    return [Math.max(...rounds.map((r) => r[0])), gaps[gaps.length - 1], gaps[Math.floor((gaps.length - 1) / 2)]];
  };
  await sleep(2000);
  const [, idle, idleMedian] = await worst(() => sleep(1000), 'idle');
  console.log(`idle loop, ${ROUNDS} seconds: longest gap ${idle} ms, median of each second's longest ${idleMedian} ms (baseline)`);
  const [installTook, installGap] = await stall(() => engine.liveRefs([]));
  console.log(`agent install + liveRefs: ${installTook} ms, longest loop stall ${installGap} ms`);
  console.log(`${ROUNDS} rounds each: total ms (longest), loop stall ms (longest of all rounds / median of the rounds' longest);`);
  console.log('"whole" = the same call with short calls off (one C call per heap pass, as debugpy and telnet run it)');
  console.log('call                               short: total ms   stall ms (max/med)   whole: total ms   stall ms (max/med)');
  const calls: Array<[string, (e: PythonEngine) => Promise<unknown>]> = [
    ['liveRefs (view refresh)', (e) => e.liveRefs([])],
    ['oldest HtmlResponse', (e) => e.oldest('HtmlResponse')],
    ['iterAll 500', (e) => e.iterAll({ className: 'HtmlResponse', offset: 0, limit: 500 })],
    ['why (oldest response)', async (e) => { const o = await e.oldest('HtmlResponse'); if (o?.handle) await e.why(o.handle); }],
    ['ages HtmlResponse', (e) => e.ages({ className: 'HtmlResponse' })],
    ['partition by type (all rows)', (e) => e.partition({ by: 'type', limit: 0, samples: 0 })],
    ['partition by via HtmlResponse', (e) => e.partition({ by: 'via', className: 'HtmlResponse', limit: 50, samples: 5 })],
    ['partition by via dict', (e) => e.partition({ by: 'via', type: 'dict', limit: 50, samples: 5 })],
    ['retained HtmlResponse', (e) => e.retained({ className: 'HtmlResponse', largest: 5 })],
  ];
  const col = (n: number, w: number) => String(n).padStart(w);
  const gaps = (max: number, median: number) => `${max} / ${median}`.padStart(21);
  for (const [name, work] of calls) {
    const [took, gap, median] = await worst(() => work(engine), `${name} (short)`);
    const [wholeTook, wholeGap, wholeMedian] = await worst(() => work(whole), `${name} (whole)`);
    console.log(`${name.padEnd(35)}${col(took, 15)}${gaps(gap, median)}${col(wholeTook, 18)}${gaps(wholeGap, wholeMedian)}`);
  }
  // References, not ours: what the crawl's heap costs any full pass over it. gc.get_objects() is
  // the one pass the agent cannot cut (the floor of every heap-wide call).
  for (const [name, code] of [['(ref) gc.get_objects() in the crawl', 'import gc; len(gc.get_objects())'],
    ['(ref) gc.collect() in the crawl', 'import gc; gc.collect()']]) {
    const [took, gap, median] = await worst(() => py(code), name);
    console.log(`${name.padEnd(35)}${col(took, 15)}${gaps(gap, median)}`);
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
