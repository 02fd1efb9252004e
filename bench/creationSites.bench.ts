// Creation sites vs tracemalloc, measured in one run:
// 1. Throughput (pages/s) of the seed's leaky crawl against the local shop (no delay, so the
//    crawl is CPU-bound) under `python3 -m debugpy` with a DAP client attached, in three setups:
//      plain debugpy                    no Live References
//      debugpy + Live References, sites creation-site hook on PYTHONPATH from the first line,
//                                       the agent refreshing live refs every 2 s like the view
//      debugpy + PYTHONTRACEMALLOC=25   the old way to get allocation sites (agent refreshing too,
//                                       creation sites off)
//    Each setup crawls the same number of pages; pages/s = Scrapy's response_received_count /
//    elapsed_time_seconds. Setups alternate over rounds and the best round counts, so machine
//    noise hits them alike. Goal: sites ≥ 0.9× plain.
// 2. Per-object cost of the hook on N Request constructions (bench/programs_sites.py).
// Prints; asserts nothing.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { PythonEngine } from '../extension/engines/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../extension/engines/python/agentBundle';
import { creationSitesEnv, TRACEMALLOC_ENV } from '../extension/common/launchEnv';
import { startDebuggee, PYTHON } from '../test/integration/debuggee';
import { LEAKY_DIR, startSite, Site } from '../test/fixtures/fixtureSite';

const PAGES = Number(process.env.BENCH_PAGES ?? 800);
const TRACEMALLOC_PAGES = Number(process.env.BENCH_TRACEMALLOC_PAGES ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const agentDir = findAgentDir(__dirname);

type Setup = 'plain' | 'sites' | 'tracemalloc';

interface CrawlRun { pages: number; seconds: number; pagesPerS: number; refreshes: number; sitesOn?: boolean }

async function crawl(site: Site, setup: Setup): Promise<CrawlRun> {
  const pages = setup === 'tracemalloc' ? TRACEMALLOC_PAGES : PAGES;
  const env: Record<string, string> = {
    START_URL: site.firstProductUrl, LEAKY_TELNET: '0', LEAKY_CONCURRENCY: '16', LEAKY_DOWNLOAD_DELAY: '0',
    LEAKY_PAGECOUNT: String(pages), LEAKY_TIMEOUT_S: '600', PYTHONUNBUFFERED: '1',
    ...(setup === 'sites' ? creationSitesEnv(agentDir, {}, process.env) : {}),
    ...(setup === 'tracemalloc' ? TRACEMALLOC_ENV : {}),
  };
  const debuggee = await startDebuggee(['--wait-for-client', '-m', 'scrapy', 'crawl', 'leaky'], { cwd: LEAKY_DIR, env, startTimeoutMs: 60_000 });
  const exited = new Promise<void>((resolve) => {
    if (debuggee.process.exitCode !== null) resolve();
    else debuggee.process.once('exit', () => resolve());
  });
  let refreshes = 0;
  let done = false;
  let sitesOn: boolean | undefined;
  const refresh = async () => {
    if (setup === 'plain') return;
    const engine = new PythonEngine(debuggee.evaluator, loadAgentBundle(agentDir), undefined, { enabled: setup === 'sites' });
    sitesOn = (await engine.info().catch(() => undefined))?.creationSites;
    while (!done) {
      await engine.liveRefs([]).then(() => { refreshes++; }, () => undefined);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
    }
  };
  const refresher = refresh();
  await Promise.race([exited, new Promise((r) => setTimeout(r, 600_000))]);
  done = true;
  await refresher;
  const out = debuggee.stdout();
  await debuggee.stop();
  const received = /'response_received_count': (\d+)/.exec(out);
  const elapsed = /'elapsed_time_seconds': ([\d.]+)/.exec(out);
  if (!received || !elapsed) throw new Error(`${setup}: no stats in the crawl's output:\n${out.slice(-2000)}`);
  const seconds = Number(elapsed[1]);
  return { pages: Number(received[1]), seconds, pagesPerS: Number(received[1]) / seconds, refreshes, sitesOn };
}

function perObject(): void {
  const run = spawnSync(PYTHON, [path.join(__dirname, '../../bench/programs_sites.py'), String(OBJECTS), '5'], { encoding: 'utf8', timeout: 900_000 });
  if (run.status !== 0) throw new Error(run.stderr);
  const r = JSON.parse(run.stdout) as { n: number; depth: number; usPerObject: Record<Setup, number>; bytesPerObject: { plain: number; sites: number; record: number }; restored: boolean };
  const us = r.usPerObject;
  console.log(`\nRequest(...) construction, ${r.n.toLocaleString('en-US')} objects, best of 5 alternated rounds, depth ${r.depth}:`);
  console.log(`  plain        ${us.plain.toFixed(2).padStart(7)} µs/object`);
  console.log(`  sites        ${us.sites.toFixed(2).padStart(7)} µs/object   ${(us.sites / us.plain).toFixed(2)}× plain   (+${(us.sites - us.plain).toFixed(2)} µs)`);
  console.log(`  tracemalloc  ${us.tracemalloc.toFixed(2).padStart(7)} µs/object   ${(us.tracemalloc / us.plain).toFixed(2)}× plain`);
  console.log(`  memory: a live Request holds ${r.bytesPerObject.plain.toFixed(0)} B; its creation record ${r.bytesPerObject.record.toFixed(0)} B more; Scrapy's __new__ restored exactly: ${r.restored}`);
}

async function main(): Promise<void> {
  const site = await startSite({ products: Math.max(PAGES, TRACEMALLOC_PAGES) * 2, delayMs: 0 });
  const runs: Record<Setup, CrawlRun[]> = { plain: [], sites: [], tracemalloc: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const setup of ['plain', 'sites', 'tracemalloc'] as Setup[]) {
        if (setup === 'tracemalloc' && round > 0) continue; // 20× slower: one round says enough
        const run = await crawl(site, setup);
        runs[setup].push(run);
        console.log(`round ${round + 1} ${setup.padEnd(12)} ${run.pages} pages in ${run.seconds.toFixed(1)} s = ${run.pagesPerS.toFixed(1)} pages/s${run.refreshes ? ` (${run.refreshes} live refreshes, creation sites ${run.sitesOn ? 'on' : 'off'})` : ''}`);
      }
    }
  } finally {
    await site.stop();
  }
  const best = (s: Setup) => Math.max(...runs[s].map((r) => r.pagesPerS));
  const plain = best('plain');
  console.log('\nleaky crawl throughput under debugpy (best round, same run):');
  console.log(`  plain debugpy                         ${plain.toFixed(1).padStart(7)} pages/s   1.00×`);
  console.log(`  debugpy + Live References, sites on   ${best('sites').toFixed(1).padStart(7)} pages/s   ${(best('sites') / plain).toFixed(2)}×  (goal ≥ 0.90×)`);
  console.log(`  debugpy + PYTHONTRACEMALLOC=25        ${best('tracemalloc').toFixed(1).padStart(7)} pages/s   ${(best('tracemalloc') / plain).toFixed(2)}×`);
  perObject();
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
