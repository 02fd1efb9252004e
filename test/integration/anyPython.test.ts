// Any Python program, not only Scrapy: the leaky order service is started by hand under debugpy
// after `eval "$(liveref env --track Session,Order)"`, and the CLI's rows are checked against the
// counts the service keeps itself, its first Order, and the dict and line that keep Orders.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { AgeHistogram, LiveRefsSnapshot, ObjectSummary, RetainedResult, WhyResult } from '../../extension/core/types';
import { Debuggee, freePort, startDebuggee } from './debuggee';
import { CLI, liveref } from './liverefCli';
import { orderLine, ordersLine, SERVICE_SCRIPT, ServiceClient } from '../shared/leakyService';

/** What a shell has after `eval "$(liveref env --track Session,Order)"`: the variables it set. */
async function shellEnvAfterEval(): Promise<Record<string, string>> {
  const script = `eval "$("${process.execPath}" "${CLI}" env --track Session,Order)" && printf '%s\\0%s' "$PYTHONPATH" "$LIVEREF_TRACK"`;
  const { stdout } = await promisify(execFile)('bash', ['-c', script], { timeout: 30_000 });
  const [PYTHONPATH, LIVEREF_TRACK] = stdout.split('\0');
  return { PYTHONPATH, LIVEREF_TRACK };
}

async function cliJson<T>(args: string[]): Promise<T> {
  const out = await liveref([...args, '--json']);
  assert.equal(out.code, 0, out.stderr);
  return JSON.parse(out.stdout) as T;
}

describe('any Python program: the leaky order service tracked with --track', function () {
  this.timeout(120_000);
  let service: Debuggee;
  let client: ServiceClient;
  let target: string;

  before(async () => {
    const env = await shellEnvAfterEval();
    assert.equal(env.LIVEREF_TRACK, 'Session,Order');
    const httpPort = await freePort();
    service = await startDebuggee([SERVICE_SCRIPT, '--port', String(httpPort)], { env: { ...env, LEAKY_TIMEOUT_S: '110' }, waitForLine: /listening on/ });
    // The CLI attaches on its own: our DAP client lets the port go.
    await service.client.close();
    client = new ServiceClient(`http://127.0.0.1:${httpPort}`);
    await client.traffic(12);
    target = `127.0.0.1:${service.port}`;
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`service output (tail):\n${service?.stdout().slice(-2000)}`);
  });

  after(async () => { await service?.stop(); });

  it('prefs --track Session,Order equals the counts the service keeps itself', async () => {
    const stats = await client.stats();
    const snapshot = await cliJson<LiveRefsSnapshot>(['prefs', '--track', 'Session,Order', '--debugpy', target]);
    const rows = new Map(snapshot.rows.map((r) => [r.className, r]));
    assert.deepEqual([rows.get('Session')?.count, rows.get('Order')?.count], [stats.sessions, stats.orders]);
    assert.deepEqual([stats.sessions, stats.orders], [4, 24]);
    // Hooked from the first line: every Order has an age, none is "before Live References".
    assert.ok(rows.get('Order')!.oldestAgeS! > 0);
    assert.equal(rows.get('Order')!.oldestBeforeAttach, undefined);
    assert.deepEqual(snapshot.classTracking?.tracked.sort(), ['__main__.Order', '__main__.Session']);
    const text = await liveref(['prefs', '--debugpy', target]);
    assert.match(text.stdout, /^Order\s+24\s+oldest: \d+s ago$/m);
  });

  it('oldest Order is the first Order made', async () => {
    const stats = await client.stats();
    const oldest = await cliJson<ObjectSummary>(['oldest', 'Order', '--debugpy', target]);
    assert.equal(oldest.typeName, 'Order');
    assert.match(stats.firstOrder!, /^Order #1: 1 x tea/);
    assert.ok(oldest.repr.includes('Order #1: 1 x tea'), oldest.repr);
  });

  it('why Order names the module-level dict that holds it and the line that created it', async () => {
    const why = await cliJson<WhyResult>(['why', 'Order', '--debugpy', target]);
    assert.equal(why.rootKind, 'module');
    assert.ok(why.hops.some((h) => h.via === '.ORDERS'), JSON.stringify(why.hops.map((h) => h.via)));
    assert.deepEqual([why.leakSite?.path, why.leakSite?.line], [SERVICE_SCRIPT, orderLine()]);
    const text = await liveref(['why', 'Order', '--debugpy', target]);
    assert.match(text.stdout, new RegExp(`leak site: .*service\\.py:${orderLine()}`));
  });

  it('why Order names the holder, ORDERS = {}, and prints the dict as its size, not its contents', async () => {
    const stats = await client.stats();
    const why = await cliJson<WhyResult>(['why', 'Order', '--debugpy', target]);
    assert.deepEqual([why.holder?.path, why.holder?.line, why.holder?.name], [SERVICE_SCRIPT, ordersLine(), '__main__.ORDERS']);
    const text = await liveref(['why', 'Order', '--debugpy', target]);
    assert.ok(text.stdout.split('\n').includes(`holder: ${SERVICE_SCRIPT}:${ordersLine()}  __main__.ORDERS`), text.stdout);
    assert.match(text.stdout, new RegExp(`^  ← \\[1\\]  dict \\(${stats.orders} keys\\)$`, 'm'));
    assert.ok(!text.stdout.includes('Receipt for'), `an Order's contents in the chain:\n${text.stdout}`);
  });

  it('iter with a filter, ages and retained read the tracked Orders like trackref classes', async () => {
    const stats = await client.stats();
    const cakes = await cliJson<ObjectSummary[]>(['iter', 'Order', '--filter', 'x cake', '--debugpy', target]);
    assert.equal(cakes.length, stats.orders / 2);
    assert.ok(cakes.every((o) => o.repr.includes('x cake') && o.ageS !== undefined));
    const ages = await cliJson<AgeHistogram>(['ages', 'Order', '--debugpy', target]);
    assert.equal(ages.count, stats.orders);
    assert.equal(ages.buckets.reduce((n, b) => n + b.count, 0), stats.orders);
    const retained = await cliJson<RetainedResult>(['retained', 'Order', '--debugpy', target]);
    assert.equal(retained.setCount, stats.orders);
    assert.ok(retained.count >= 2 * stats.orders, `releasing the Orders frees them and their receipts: ${retained.count}`);
  });

  it('a name matching no class says it waits for an import; --discover offers the service\'s own classes', async () => {
    const out = await liveref(['prefs', '--track', 'Invoice', '--debugpy', target]);
    assert.equal(out.code, 0, out.stderr);
    assert.match(out.stderr, /Invoice: no class of that name yet; waiting for the module that defines it to be imported/);
    const stats = await client.stats();
    const found = await cliJson<LiveRefsSnapshot>(['prefs', '--discover', '1', '--debugpy', target]);
    assert.equal(found.rows.find((r) => r.className === 'Order')?.count, stats.orders);
  });
});

describe('any Python program: classes tracked only when the CLI attaches', function () {
  this.timeout(120_000);
  let service: Debuggee;
  let client: ServiceClient;
  let target: string;

  before(async () => {
    const httpPort = await freePort();
    service = await startDebuggee([SERVICE_SCRIPT, '--port', String(httpPort)], { env: { LEAKY_TIMEOUT_S: '110' }, waitForLine: /listening on/ });
    await service.client.close();
    client = new ServiceClient(`http://127.0.0.1:${httpPort}`);
    await client.traffic(6);
    target = `127.0.0.1:${service.port}`;
  });

  after(async () => { await service?.stop(); });

  it('finds the objects made before with one gc scan and never dates them', async () => {
    const stats = await client.stats();
    const snapshot = await cliJson<LiveRefsSnapshot>(['prefs', '--track', 'Session,Order', '--debugpy', target]);
    const order = snapshot.rows.find((r) => r.className === 'Order')!;
    assert.deepEqual([order.count, order.oldestAgeS, order.oldestBeforeAttach], [stats.orders, null, true]);
    const oldest = await liveref(['oldest', 'Order', '--debugpy', target]);
    // Made before the hook: no creation time, so which one is 'oldest' is not known; it is never dated.
    assert.match(oldest.stdout, /Order #\d+: .*\(created before Live References attached\)/);
    assert.doesNotMatch(oldest.stdout, /\ds old/);
    // Orders made after the hook went in (it stays for the program's life) have ages.
    await client.traffic(2);
    const ages = await cliJson<AgeHistogram>(['ages', 'Order', '--debugpy', target]);
    assert.equal(ages.count, 4);
    const text = await liveref(['prefs', '--debugpy', target]);
    assert.match(text.stdout, /^Order\s+16\s+oldest: created before Live References attached$/m);
  });
});
