// The Node engine against a real `node --inspect` running the leaky crawler fixture
// (test/fixtures/node-leaky/leaky.js): module-scoped Request/Response, Responses leaking through
// meta.referer. Counts are checked against what the program itself holds while it is quiet.
import * as assert from 'node:assert/strict';
import { connectCdp, CdpConnection } from '../../extension/runtimes/node/cdp/cdpConnection';
import { NodeEngine } from '../../extension/runtimes/node/nodeEngine';
import { TransportError } from '../../extension/core/transportError';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { fixturesDir } from '../fixtures/fixtureSite';
import { NODE_LEAKY_SCRIPT, NodeProgram, pauseLeaky, startNodeProgram } from '../fixtures/nodeProgram';
import { waitFor } from '../shared/waitFor';

describe('Node engine over a bare node --inspect', function () {
  this.timeout(60_000);
  let program: NodeProgram;
  let cdp: CdpConnection;
  let engine: NodeEngine;
  const engineLog: string[] = [];

  before(async () => {
    program = await startNodeProgram(NODE_LEAKY_SCRIPT);
    await program.waitFor(/leaky crawler started/);
    // Objects made before we attach must be counted too: the crawler makes some first.
    await waitFor('50 Responses made before we attach', async () => {
      const { responses } = await pauseLeaky(program);
      program.send('resume');
      return responses >= 50;
    }, 10_000, 100);
    cdp = await connectCdp({ kind: 'inspect', host: '127.0.0.1', port: program.port });
    engine = new NodeEngine(cdp, { trackedClasses: () => ['Request', 'Response'], discoverTop: 0, log: (line) => engineLog.push(line) });
  });

  after(async () => {
    engine?.dispose();
    await cdp?.close();
    await program?.stop();
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(`program output:\n${program.output().slice(-2000)}`);
  });

  /** The program's own counts; it stays paused until sent `resume`. */
  const quietCounts = () => pauseLeaky(program);

  it('counts exactly the Requests and Responses the program holds, including those made before attach', async () => {
    const first = await engine.liveRefs([]);
    assert.deepEqual(first.rows.map((r) => r.className).sort(), ['Request', 'Response']);
    // The breakpoints rebind both classes; constructions register from then on.
    await waitFor('both classes counted through their module binding', () => ['Request', 'Response']
      .every((name) => engineLog.includes(`${name}: constructions are counted through the module binding`)), 15_000);
    const expected = await quietCounts();
    assert.ok(expected.responses > 100, `the crawler made ${expected.responses} responses`);
    const rows = new Map((await engine.liveRefs([])).rows.map((r) => [r.className, r]));
    assert.equal(rows.get('Request')?.count, expected.requests);
    assert.equal(rows.get('Response')?.count, expected.responses);
    program.send('resume');
  });

  it('an exact call counts without garbage even where collections are judged too costly', async () => {
    // gcBudgetMs 0: this engine never collects on its own, as one that measured a costly GC on a
    // loaded machine; the Requests the crawler shifted off its queue are garbage not yet collected.
    const thrifty = new NodeEngine(cdp, { trackedClasses: () => ['Request', 'Response'], discoverTop: 0, gcBudgetMs: 0 });
    try {
      await thrifty.liveRefs([]);
      const expected = await quietCounts();
      const count = async (exact: boolean) => (await thrifty.liveRefs([], { exact })).rows.find((r) => r.className === 'Request')?.count;
      const loose = await count(false);
      assert.ok((loose ?? 0) > expected.requests, `${loose} Requests counted with garbage, ${expected.requests} alive`);
      assert.equal(await count(true), expected.requests);
    } finally {
      thrifty.dispose();
      program.send('resume');
    }
  });

  it('shows the oldest Response older than the oldest Request, and the program never paused', async () => {
    const previous = (await engine.liveRefs([])).rows.find((r) => r.className === 'Response')!.count;
    const rows = await waitFor('a refresh where Responses grew and the oldest is over 1 s older than the oldest Request', async () => {
      const now = new Map((await engine.liveRefs([])).rows.map((r) => [r.className, r]));
      const [request, response] = [now.get('Request'), now.get('Response')];
      return request && response && response.oldestAgeS! > request.oldestAgeS! + 1 && response.count > previous && now;
    }, 15_000, 300);
    const request = rows.get('Request')!;
    const response = rows.get('Response')!;
    assert.ok(response.oldestAgeS! > request.oldestAgeS! + 1, `Response ${response.oldestAgeS}s vs Request ${request.oldestAgeS}s`);
    // The 50 made before attach have no known age: counted apart, never dated at the attach.
    assert.ok(response.beforeAttach! >= 50, `Responses from before attach: ${response.beforeAttach}`);
    const histogram = await engine.ages({ className: 'Response' });
    assert.equal(histogram.buckets.reduce((n, b) => n + b.count, 0), histogram.count);
    assert.equal(histogram.beforeAttach, response.beforeAttach);
    const oldestBar = histogram.buckets[histogram.buckets.length - 1];
    const bar = await engine.iterAll({ className: 'Response', offset: 0, limit: 10_000, minAgeS: oldestBar.lowS, maxAgeS: oldestBar.highS, ageAt: histogram.now });
    assert.equal(bar.total, oldestBar.count);
    await engine.release(bar.items.map((i) => i.handle!));
  });

  it('reveals the oldest Response with its url, inspects Request.meta.referer and releases handles', async () => {
    const oldest = await engine.oldest('Response');
    assert.ok(oldest?.handle);
    assert.match(oldest.url ?? '', /^http:\/\/127\.0\.0\.1\//);
    const page = await engine.iterAll({ className: 'Request', offset: 0, limit: 50 });
    assert.ok(page.items.length > 0 && page.items.every((i) => i.typeName === 'Request'));
    const request = await engine.inspect(page.items[page.items.length - 1].handle!, 0, 50);
    const meta = request.children.find((c) => c.via === '.meta');
    assert.ok(meta?.value.handle, JSON.stringify(request.children));
    const inner = await engine.inspect(meta.value.handle, 0, 50);
    assert.equal(inner.children.find((c) => c.via === '.referer')?.value.typeName, 'Response');
    await engine.release([oldest.handle, ...page.items.map((i) => i.handle!)]);
    await assert.rejects(engine.inspect(oldest.handle, 0, 1), (e: Error) => /no longer|object with given id/i.test(e.message) || (e as { code?: string }).code === 'gone');
  });

  it('links an object to its class line through [[FunctionLocation]]', async () => {
    const oldest = await engine.oldest('Request');
    const source = await engine.sourceOf(oldest!.handle!);
    assert.equal(source.classDef?.path, NODE_LEAKY_SCRIPT);
    const lines = (await import('node:fs')).readFileSync(NODE_LEAKY_SCRIPT, 'utf8').split('\n');
    assert.match(lines[source.classDef!.line - 1], /^class Request \{/);
    await engine.release([oldest!.handle!]);
  });

  it('partitions the heap by type and Response by via from a snapshot: referer holds every Response', async () => {
    const expected = await quietCounts();
    try {
      const phases = new Set<string>();
      const byType = await engine.partition({ by: 'type', limit: 500 }, { onProgress: (p) => phases.add(p.phase) });
      assert.ok(phases.has('snapshot') && phases.has('parsing'), [...phases].join());
      assert.equal(byType.rows.find((r) => r.label === 'Response')?.count, expected.responses);
      assert.equal(byType.rows.find((r) => r.label === 'Request')?.count, expected.requests);
      const byVia = await engine.partition({ by: 'via', className: 'Response', limit: 50, samples: 3, retained: true });
      assert.equal(byVia.set, 'class Response');
      const referer = byVia.rows.find((r) => r.label === 'referer');
      assert.equal(referer?.count, expected.responses, JSON.stringify(byVia.rows.map((r) => [r.label, r.count])));
      assert.ok(referer.retained!.size > referer.size && referer.retained!.count >= referer.count, 'a Response retains its body string too');
      const freed = await engine.retained({ className: 'Response', largest: 2 });
      assert.equal(freed.setCount, expected.responses);
      assert.equal(freed.byType.find((r) => r.label === 'Response')?.count, expected.responses);
      assert.ok(freed.exact && freed.largest.length === 2);
      await engine.release(freed.largest.map((s) => s.handle!));
      assert.ok(referer.samples?.length && referer.samples.every((s) => s.typeName === 'Response' && s.handle));
      await engine.release(referer.samples.map((s) => s.handle!));
    } finally {
      program.send('resume');
    }
  });

  it('marks the heap and partitions what was created since: exactly the Responses crawled after', async () => {
    const atMark = await quietCounts();
    const mark = await engine.markHeap().finally(() => program.send('resume'));
    assert.deepEqual(await engine.heapMark(), mark);
    const now = await waitFor('20 Responses crawled since the mark', async () => {
      const counts = await quietCounts();
      if (counts.responses >= atMark.responses + 20) return counts;
      program.send('resume');
      return undefined;
    }, 10_000, 100);
    try {
      const since = await engine.partition({ by: 'type', sinceMark: true, limit: 1000, samples: 2 });
      assert.equal(since.set, 'heap since mark');
      const responses = since.rows.find((r) => r.label === 'Response')!;
      assert.equal(responses.count, now.responses);
      assert.equal(responses.countDelta, now.responses - atMark.responses);
      assert.equal(responses.newCount, now.responses - atMark.responses);
      assert.ok(responses.samples?.every((s) => s.typeName === 'Response'));
      const requests = since.rows.find((r) => r.label === 'Request')!;
      assert.deepEqual([requests.count, requests.countDelta, requests.newCount], [now.requests, now.requests - atMark.requests, now.requests]);
      await engine.release(since.rows.flatMap((r) => r.samples ?? []).map((s) => s.handle!));
    } finally {
      program.send('resume');
    }
  });

  it('explains why the oldest Response is alive: referer ← meta ← seenMeta, kept by crawl()', async () => {
    const oldest = await engine.oldest('Response');
    const why = await engine.why(oldest!.handle!);
    assert.deepEqual(why.hops.slice(0, 3).map((h) => h.via), ['referer', why.hops[1].via, 'seenMeta']);
    assert.match(why.hops[1].via, /^\[\d+\]$/);
    assert.equal(why.hops[1].referrer.typeName, 'Array');
    const lines = (await import('node:fs')).readFileSync(NODE_LEAKY_SCRIPT, 'utf8').split('\n');
    assert.equal(why.leakSite?.path, NODE_LEAKY_SCRIPT);
    assert.match(lines[why.leakSite!.line - 1], /function crawl\(\)/);
    // The chain ends in the module's seenMeta: Go to Holder opens its declaration.
    assert.deepEqual([why.holder?.path, why.holder?.name], [NODE_LEAKY_SCRIPT, 'seenMeta']);
    assert.match(lines[why.holder!.line - 1], /^const seenMeta = \[\];/);
    assert.match(why.hops[1].label ?? '', /^seenMeta \(Array\(\d+\)\)$/);
    await engine.release([oldest!.handle!, ...why.hops.map((h) => h.referrer.handle).filter((h): h is string => !!h)]);
  });

  it('cancels a partition: the engine stays usable', async () => {
    const abort = new AbortController();
    const pending = engine.partition({ by: 'type', limit: 10 }, { signal: abort.signal, onProgress: () => abort.abort() });
    await assert.rejects(pending, (e: unknown) => e instanceof TransportError && e.code === 'cancelled');
    assert.ok((await engine.liveRefs([])).rows.length === 2);
  });

  it('fails calls cleanly when the program exits in the middle of them', async () => {
    const partition = engine.partition({ by: 'type', limit: 10 }, { onProgress: () => void program.stop() }).catch((e: unknown) => e);
    const listing = engine.iterAll({ className: 'Response', offset: 0, limit: 5000 }).catch((e: unknown) => e);
    for (const error of [await partition, await listing]) {
      assert.ok(error instanceof TransportError, `expected an TransportError, got ${String(error)}`);
      assert.equal(error.code, 'disconnected');
    }
    await program.exited;
    assert.ok(cdp.closed);
    await assert.rejects(engine.liveRefs([]), (e: unknown) => e instanceof TransportError && e.code === 'disconnected');
  });
});

describe('Node engine and source maps', function () {
  this.timeout(60_000);
  const source = path.join(fixturesDir(), 'node-mapped', 'crawler.ts');
  let dir: string;
  let program: NodeProgram;
  let cdp: CdpConnection;

  before(async () => {
    // Compiled here, as a TypeScript project would be: types vanish, so lines shift.
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-mapped-'));
    const out = path.join(dir, 'crawler.js');
    esbuild.buildSync({ entryPoints: [source], outfile: out, platform: 'node', format: 'cjs', sourcemap: 'inline', logLevel: 'silent' });
    program = await startNodeProgram(out);
    await program.waitFor(/mapped crawler started/);
    cdp = await connectCdp({ kind: 'inspect', host: '127.0.0.1', port: program.port });
  });

  after(async () => {
    await cdp?.close();
    await program?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('opens the class, the leak site and the holder in the TypeScript source, not the generated JavaScript', async () => {
    const engine = new NodeEngine(cdp, { trackedClasses: () => ['Page'], discoverTop: 0 });
    const lines = fs.readFileSync(source, 'utf8').split('\n');
    const oldest = await engine.oldest('Page');
    const info = await engine.sourceOf(oldest!.handle!);
    assert.equal(info.classDef?.path, source);
    assert.match(lines[info.classDef!.line - 1], /class Page/);
    const why = await engine.why(oldest!.handle!);
    assert.equal(why.hops[0].via, 'referer', JSON.stringify(why.hops.map((h) => [h.via, h.referrer.typeName, h.referrer.repr.slice(0, 60)])));
    assert.equal(why.leakSite?.path, source);
    assert.match(lines[why.leakSite!.line - 1], /function step\(\)/);
    // The holder's declaration is found in the generated JavaScript, then mapped back.
    assert.deepEqual([why.holder?.path, why.holder?.name], [source, 'seen']);
    assert.match(lines[why.holder!.line - 1], /^const seen: Meta\[\] = \[\];/);
    engine.dispose();
  });
});

