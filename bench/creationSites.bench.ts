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
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonEngine } from '../extension/runtimes/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../extension/runtimes/python/agentBundle';
import { creationSitesEnv, TRACEMALLOC_ENV } from '../extension/runtimes/python/launchEnv';
import { connectDebugpy } from '../extension/runtimes/python/dap/dapSocketClient';
import { freePort, LEAKY_DIR, PYTHON, Site } from '../test/fixtures/fixtureSite';
import { CrawlFixture } from '../test/shared/crawlFixture';
import { orAfter, sleep, waitFor } from '../test/shared/waitFor';

const PAGES = Number(process.env.BENCH_PAGES ?? 1200);
const TRACEMALLOC_PAGES = Number(process.env.BENCH_TRACEMALLOC_PAGES ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const agentDir = findAgentDir(__dirname);

type Setup = 'plain' | 'sites' | 'tracemalloc';

interface CrawlRun { pages: number; seconds: number; pagesPerS: number; cpuS?: number; pagesPerCpuS?: number; refreshes: number; sitesOn?: boolean }

/** GNU time, when installed, gives the crawl's own CPU seconds: on a shared machine pages per
 * CPU-second is what the hook costs, while wall-clock pages/s also carries everyone's load. */
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

async function crawl(site: Site, setup: Setup): Promise<CrawlRun> {
  const pages = setup === 'tracemalloc' ? TRACEMALLOC_PAGES : PAGES;
  const port = await freePort();
  const env: Record<string, string> = {
    ...process.env as Record<string, string>, PYDEVD_DISABLE_FILE_VALIDATION: '1',
    START_URL: site.firstProductUrl, LEAKY_TELNET: '0', LEAKY_CONCURRENCY: '16', LEAKY_DOWNLOAD_DELAY: '0',
    LEAKY_PAGECOUNT: String(pages), LEAKY_TIMEOUT_S: '600', LEAKY_EXIT_ON_STDIN_EOF: '1', PYTHONUNBUFFERED: '1',
    ...(setup === 'sites' ? creationSitesEnv(agentDir, {}, process.env) : {}),
    ...(setup === 'tracemalloc' ? TRACEMALLOC_ENV : {}),
  };
  const python = [PYTHON, '-Xfrozen_modules=off', '-m', 'debugpy', '--listen', `127.0.0.1:${port}`, '--wait-for-client', '-m', 'scrapy', 'crawl', 'leaky'];
  const argv = GNU_TIME ? [GNU_TIME, '-f', 'LIVEREF_CPU %U %S', ...python] : python;
  const child = spawn(argv[0], argv.slice(1), { cwd: LEAKY_DIR, env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => { out += d; });
  child.stderr!.on('data', (d) => { out += d; });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const kill = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } };
  process.once('exit', kill);
  let refreshes = 0;
  let sitesOn: boolean | undefined;
  try {
    let refused: unknown;
    const connection = await waitFor('debugpy to take our client', () => connectDebugpy('127.0.0.1', port).catch((e: unknown) => { refused = e; return undefined; }), 60_000, 200)
      .catch((e: unknown) => { throw refused ?? e; });
    let done = false;
    void exited.then(() => { done = true; });
    if (setup !== 'plain') {
      // Like the view: the agent arrives once, then liveRefs every 2 s.
      const engine = new PythonEngine(connection.evaluator, loadAgentBundle(agentDir), undefined, { enabled: setup === 'sites' });
      sitesOn = (await engine.info().catch(() => undefined))?.creationSites;
      while (!done) {
        await engine.liveRefs([]).then(() => { refreshes++; }, () => undefined);
        await Promise.race([exited, sleep(2000)]); // the view's refresh interval
      }
    }
    await orAfter(exited, 600_000);
    await connection.client.close().catch(() => undefined);
  } finally {
    kill();
    process.removeListener('exit', kill);
  }
  const received = /'response_received_count': (\d+)/.exec(out);
  const elapsed = /'elapsed_time_seconds': ([\d.]+)/.exec(out);
  if (!received || !elapsed) throw new Error(`${setup}: no stats in the crawl's output:\n${out.slice(-2000)}`);
  const cpu = /LIVEREF_CPU ([\d.]+) ([\d.]+)/.exec(out);
  const n = Number(received[1]);
  const seconds = Number(elapsed[1]);
  const cpuS = cpu ? Number(cpu[1]) + Number(cpu[2]) : undefined;
  return { pages: n, seconds, pagesPerS: n / seconds, cpuS, pagesPerCpuS: cpuS ? n / cpuS : undefined, refreshes, sitesOn };
}

function perObject(): void {
  const run = spawnSync(PYTHON, [path.join(__dirname, '../../bench/programs_sites.py'), String(OBJECTS), '5'], { encoding: 'utf8', timeout: 900_000 });
  if (run.status !== 0) throw new Error(run.stderr);
  const r = JSON.parse(run.stdout) as { n: number; depth: number; usPerObject: Record<Setup, number>; bytesPerObject: { plain: number; sites: number; record: number }; restored: boolean };
  const us = r.usPerObject;
  console.log(`\nRequest(...) construction, ${r.n.toLocaleString('en-US')} objects, CPU time, best of 5 alternated rounds, depth ${r.depth}:`);
  console.log(`  plain        ${us.plain.toFixed(2).padStart(7)} µs/object`);
  console.log(`  sites        ${us.sites.toFixed(2).padStart(7)} µs/object   ${(us.sites / us.plain).toFixed(2)}× plain   (+${(us.sites - us.plain).toFixed(2)} µs)`);
  console.log(`  tracemalloc  ${us.tracemalloc.toFixed(2).padStart(7)} µs/object   ${(us.tracemalloc / us.plain).toFixed(2)}× plain`);
  console.log(`  memory: a live Request holds ${r.bytesPerObject.plain.toFixed(0)} B; its creation record ${r.bytesPerObject.record.toFixed(0)} B more; Scrapy's __new__ restored exactly: ${r.restored}`);
}

async function main(): Promise<void> {
  // The fixture's shop; the crawls are this bench's own (debugpy waiting for a client, a page count, GNU time).
  const shop = new CrawlFixture({ site: { products: Math.max(PAGES, TRACEMALLOC_PAGES) * 2, delayMs: 0 } });
  const site = await shop.startSite();
  const runs: Record<Setup, CrawlRun[]> = { plain: [], sites: [], tracemalloc: [] };
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const setup of ['plain', 'sites', 'tracemalloc'] as Setup[]) {
        if (setup === 'tracemalloc' && round > 0) continue; // 20× slower: one round says enough
        const run = await crawl(site, setup);
        runs[setup].push(run);
        const cpu = run.pagesPerCpuS ? `, ${run.cpuS!.toFixed(1)} CPU s = ${run.pagesPerCpuS.toFixed(1)} pages/CPU-s` : '';
        console.log(`round ${round + 1} ${setup.padEnd(12)} ${run.pages} pages in ${run.seconds.toFixed(1)} s = ${run.pagesPerS.toFixed(1)} pages/s${cpu}${run.refreshes ? ` (${run.refreshes} live refreshes, creation sites ${run.sitesOn ? 'on' : 'off'})` : ''}`);
      }
    }
  } finally {
    await shop.stop();
  }
  const best = (s: Setup) => Math.max(...runs[s].map((r) => r.pagesPerS));
  const bestCpu = (s: Setup) => Math.max(...runs[s].map((r) => r.pagesPerCpuS ?? 0));
  const plain = best('plain');
  const plainCpu = bestCpu('plain');
  const row = (label: string, s: Setup, goal = '') => {
    const cpu = plainCpu ? `   ${bestCpu(s).toFixed(1).padStart(6)} pages/CPU-s   ${(bestCpu(s) / plainCpu).toFixed(2)}×` : '';
    console.log(`  ${label.padEnd(38)}${best(s).toFixed(1).padStart(7)} pages/s   ${(best(s) / plain).toFixed(2)}×${cpu}${goal}`);
  };
  console.log('\nleaky crawl throughput under debugpy (best round of each, same run):');
  row('plain debugpy', 'plain');
  row('debugpy + Live References, sites on', 'sites', '   (goal ≥ 0.90×)');
  row('debugpy + PYTHONTRACEMALLOC=25', 'tracemalloc');
  perObject();
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
