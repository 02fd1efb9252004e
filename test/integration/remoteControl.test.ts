// `liveref --job PID` and `liveref jobs` against a Scrapy 2.19+ crawl started with no debugger and
// no telnet: the agent runs over the crawl's remote control (POST /execute on its asyncio loop).
// Runs where PYTHON (LIVEREF_PYTHON) has Scrapy's remote control, e.g. the forky launcher.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Crawl, leakLine, PYTHON, SPIDER_FILE } from '../fixtures/fixtureSite';
import { CrawlFixture } from '../shared/crawlFixture';
import { parsePrefs, rejects } from '../shared/expectations';
import { waitFor } from '../shared/waitFor';
import { remoteControlMissing } from '../shared/scrapyRemote';
import { liveref } from './liverefCli';
import { readJobToken, RemoteJob } from '../../extension/runtimes/scrapy/remote/jobFiles';
import { RemoteControlClient } from '../../extension/runtimes/scrapy/remote/remoteControlClient';
import { connectRemoteControl } from '../../extension/runtimes/scrapy/remote/connectRemote';
import { loadAgentBundle } from '../../extension/runtimes/python/agentBundle';
import { PythonEngine } from '../../extension/runtimes/python/pythonEngine';
import { consoleResult } from '../../extension/runtimes/scrapy/remote/consoleCode';
import { english } from '../../extension/runtimes/scrapy/adapter/localize';

async function liveRefEnv(): Promise<Record<string, string>> {
  const printed = await liveref(['env']);
  const env: Record<string, string> = {};
  for (const m of printed.stdout.matchAll(/^export (\w+)='((?:[^']|'\\'')*)'$/gm)) env[m[1]] = m[2].replace(/'\\''/g, "'");
  assert.ok(env.PYTHONPATH, printed.stdout);
  return env;
}

const counts = (rows: Map<string, { count: number }>) => JSON.stringify([...rows].map(([k, v]) => [k, v.count]).sort());

describe('liveref over Scrapy 2.19 remote control (--job PID)', function () {
  this.timeout(180_000);
  const missing = remoteControlMissing(PYTHON);
  const jobsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-jobs-'));
  const leaky = new CrawlFixture({
    site: { products: 3000, delayMs: 2000 },
    crawl: async () => ({ telnet: false, timeoutS: 170, env: { ...await liveRefEnv(), LEAKY_CONCURRENCY: '8' }, settings: { REMOTE_CONTROL_JOBS_DIR: jobsDir } }),
  });
  let crawl: Crawl;
  let job: RemoteJob;
  let client: RemoteControlClient;
  const py = async (code: string) => {
    const r = await client.execute(code, { timeoutMs: 10_000 });
    assert.equal(r.status, 'ok', r.traceback ?? '');
    return r.output;
  };

  before(async function () {
    if (missing) { console.log(`skipped: ${missing}; set LIVEREF_PYTHON to a Python with Scrapy 2.19+ (e.g. .cache/pyroots/forky.python)`); this.skip(); }
    ({ crawl } = await leaky.start());
    await waitFor('the job file', async () => fs.readdirSync(jobsDir).some((n) => n.endsWith('.json')), 20_000, 200);
    const pid = Number(fs.readdirSync(jobsDir).find((n) => n.endsWith('.json'))!.split('-')[0]);
    const read = readJobToken(pid, jobsDir);
    job = read.job;
    client = new RemoteControlClient({ port: job.port, pid: job.pid, token: read.token });
    await waitFor('responses to build up (20 or more)', async () => /HtmlResponse\s+([2-9]\d|\d{3})/.test(await py('from scrapy.utils.trackref import format_live_refs; print(format_live_refs())')), 60_000, 500);
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`crawl output (tail):\n${crawl?.output().slice(-2000)}`);
  });

  after(async () => {
    client?.close();
    await leaky.stop();
    fs.rmSync(jobsDir, { recursive: true, force: true });
  });

  it('liveref jobs lists the crawl (JSON: pid, spider, project, port, scrapyVersion, startTime; no token)', async () => {
    const run = await liveref(['jobs', '--jobs-dir', jobsDir, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const jobs = JSON.parse(run.stdout) as Array<Record<string, unknown>>;
    assert.equal(jobs.length, 1);
    assert.deepEqual(Object.keys(jobs[0]).sort(), ['pid', 'port', 'project', 'scrapyVersion', 'spider', 'startTime']);
    assert.deepEqual([jobs[0].pid, jobs[0].spider, jobs[0].project, jobs[0].port], [job.pid, 'leaky', 'leaky', job.port]);
    assert.match(String(jobs[0].scrapyVersion), /^2\.(19|[2-9]\d)\./);
    const text = await liveref(['jobs', '--jobs-dir', jobsDir]);
    assert.match(text.stdout, new RegExp(`^${job.pid}\\s+leaky\\s+leaky\\s+\\S+`, 'm'));
    assert.ok(!run.stdout.includes(readJobToken(job.pid, jobsDir).token) && !text.stdout.includes(readJobToken(job.pid, jobsDir).token));
  });

  it('prefs --job PID equals Scrapy\'s own format_live_refs() at the same instant', async () => {
    for (let attempt = 0; ; attempt++) {
      const before = parsePrefs(await py('from scrapy.utils.trackref import format_live_refs; print(format_live_refs())'));
      const ours = await liveref(['prefs', '--job', String(job.pid), '--jobs-dir', jobsDir]);
      const after = parsePrefs(await py('from scrapy.utils.trackref import format_live_refs; print(format_live_refs())'));
      assert.equal(ours.code, 0, ours.stderr);
      assert.match(ours.stdout, /^Live References\n\n/);
      if (counts(before) !== counts(after)) { assert.ok(attempt < 10, 'the crawl never stood still'); continue; }
      const mine = parsePrefs(ours.stdout);
      assert.equal(counts(mine), counts(before));
      for (const [name, row] of mine) assert.ok(Math.abs(row.age - before.get(name)!.age) <= 1, `${name} age ${row.age} vs ${before.get(name)!.age}`);
      return;
    }
  });

  it('why HtmlResponse --job PID names the spider\'s leak line (crawl started after eval "$(liveref env)")', async () => {
    const why = await liveref(['why', 'HtmlResponse', '--job', String(job.pid), '--jobs-dir', jobsDir]);
    assert.equal(why.code, 0, why.stderr);
    assert.ok(why.stdout.includes(`leak site: ${SPIDER_FILE}:${leakLine()} [creation site]`), why.stdout);
  });

  it('a by-type partition with --limit 0 (well over 64 KB of JSON) comes back whole', async () => {
    const run = await liveref(['partition', '--by', 'type', '--limit', '0', '--json', '--job', String(job.pid), '--jobs-dir', jobsDir], { LIVEREF_TRACE: '1' });
    assert.equal(run.code, 0, run.stderr);
    // The agent's last jobStep reply is the partition; on the wire it is base64 (4 chars per 3 of JSON) between marks.
    const sizes = [...run.stderr.matchAll(/^\[liveref\] jobStep \d+ ms, (\d+) chars$/gm)].map((m) => Number(m[1]));
    const wire = Math.ceil(Math.max(...sizes) / 3) * 4;
    assert.ok(wire > 65536, `largest reply ${wire} chars on the wire`);
    assert.ok(run.stdout.length > 65536, `only ${run.stdout.length} chars`);
    const p = JSON.parse(run.stdout) as { rows: Array<{ label: string; count: number }>; totalCount: number; rowCount?: number };
    assert.ok(p.rows.length > 500, `${p.rows.length} rows`);
    assert.equal(p.rows.length, p.rowCount ?? p.rows.length);
    assert.equal(p.rows.reduce((n, r) => n + r.count, 0), p.totalCount);
    assert.ok(p.rows.some((r) => r.label.endsWith('HtmlResponse')));
  });

  it('detaching leaves nothing of ours in stash, and the crawl keeps running', async () => {
    assert.equal((await py("print('liveReferences' in stash)")).trim(), 'False');
    const status = await client.status();
    assert.equal(status.pid, job.pid);
    assert.equal(crawl.output().includes('Spider closed'), false);
    assert.doesNotMatch(crawl.stdout(), /LRB64|LRPAGE/);
  });

  it('bad input: no job files, a stale file, a file others can read, a wrong token, a pid with no remote control', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-nojobs-'));
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-badjobs-'));
    fs.chmodSync(other, 0o700);
    try {
      const none = await liveref(['jobs', '--jobs-dir', empty]);
      assert.equal(none.code, 0);
      assert.match(none.stdout, /No running Scrapy crawl has a remote-control job file in .*older versions: use the telnet console/);
      const original = JSON.parse(fs.readFileSync(job.file, 'utf8')) as Record<string, unknown>;
      // A stale file: a pid that is gone (a finished child of ours).
      const { spawnSync } = await import('node:child_process');
      const deadPid = spawnSync('true').pid!;
      fs.writeFileSync(path.join(other, `${deadPid}-0000aaaa.json`), JSON.stringify({ ...original, pid: deadPid }), { mode: 0o600 });
      const listed = JSON.parse((await liveref(['jobs', '--jobs-dir', other, '--json'])).stdout) as unknown[];
      assert.equal(listed.length, 0);
      // Readable by others: refused, token unread.
      const loose = path.join(other, `${job.pid}-1111bbbb.json`);
      fs.writeFileSync(loose, JSON.stringify({ ...original, token: 'wrong-token-123' }), { mode: 0o644 });
      fs.chmodSync(loose, 0o644);
      const refused = await liveref(['jobs', '--jobs-dir', other]);
      assert.match(refused.stderr, /Refused the job file .*mode is 644, so other users can read its token/);
      // A wrong token (same pid and port): 401 worded, token not echoed.
      fs.chmodSync(loose, 0o600);
      const wrong = await liveref(['prefs', '--job', String(job.pid), '--jobs-dir', other]);
      assert.equal(wrong.code, 2);
      assert.match(wrong.stderr, /refused the token from its job file \(HTTP 401\)/);
      assert.doesNotMatch(wrong.stderr, /wrong-token-123/);
      // A running process with no job file (the shop): older Scrapy has no remote control.
      const shop = await liveref(['prefs', '--job', String(leaky.site.pid), '--jobs-dir', jobsDir]);
      assert.equal(shop.code, 2);
      assert.match(shop.stderr, /Scrapy older than 2\.19 has no remote control \(use the telnet console instead/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('status timeout and a cut reply are worded; the crawl keeps running', async () => {
    const { evaluator } = await connectRemoteControl({ pid: job.pid, jobsDir });
    try {
      // Statements run on a worker thread the loop awaits: the server's timeout ends the wait.
      await rejects(evaluator.execute("__import__('time').sleep(3)", { timeoutMs: 300 }), 'timeout', /ran past its timeout .* the crawl keeps running/);
      // Debug Console output the server cut: shown with a note, never as if whole.
      const cut = await evaluator.run("print('x' * 70000)");
      assert.equal(cut.output_truncated, true);
      assert.match(consoleResult(cut, english).text, /\n\[output cut by the crawl's remote control at REMOTE_CONTROL_OUTPUT_MAX_BYTES\]$/);
      await rejects(evaluator.execute('raise ValueError("boom")'), 'remote', /ValueError: boom/);
      assert.equal((await client.status()).pid, job.pid);
    } finally {
      await evaluator.close();
    }
  });

  it('a server that cuts replies at 8 KB (older or tuned): agent replies still come back whole, in smaller pages', async () => {
    const cap = (bytes: number) => py(`[setattr(m, '_output_max_bytes', ${bytes}) for m in crawler.extensions.middlewares if type(m).__name__ == 'RemoteControl']`);
    const bundle = loadAgentBundle();
    const { evaluator } = await connectRemoteControl({ pid: job.pid, jobsDir, agentModuleKey: bundle.moduleKey });
    const engine = new PythonEngine(evaluator, bundle);
    try {
      await engine.info();
      await cap(8192);
      const p = await engine.partition({ by: 'type', limit: 0, samples: 0 });
      assert.ok(p.rows.length > 500, `${p.rows.length} rows`);
      assert.equal(p.rows.reduce((n, r) => n + r.count, 0), p.totalCount);
      const snapshot = await engine.liveRefs([]);
      assert.ok(snapshot.rows.some((r) => r.className === 'HtmlResponse'));
    } finally {
      await cap(65536);
      await engine.releaseAll().catch(() => undefined);
      await evaluator.close();
    }
    assert.equal((await py("print('liveReferences' in stash)")).trim(), 'False');
  });

  it('a crawl that stops mid-call: the call fails with a clear message', async () => {
    const { evaluator } = await connectRemoteControl({ pid: job.pid, jobsDir });
    const call = evaluator.execute("__import__('time').sleep(20)", { timeoutMs: 30_000 });
    await new Promise((r) => setTimeout(r, 500));
    crawl.kill('SIGKILL');
    await rejects(call, 'disconnected', /has ended|connection to the crawl .* was lost/);
    await evaluator.close();
  });
});
