// Exact numbers from the Node engine on a heap the fixture program knows exactly
// (test/fixtures/node-exact/exact.js, under a real `node --inspect`): instances of the exact class,
// classes whose objects were all made before attach, one via row per container, every row with
// --limit 0, and no false ages for what existed before attach.
import * as assert from 'node:assert/strict';
import { connectCdp, CdpConnection } from '../../extension/runtimes/node/cdp/cdpConnection';
import { NodeEngine } from '../../extension/runtimes/node/nodeEngine';
import { NODE_EXACT_SCRIPT, NodeProgram, startNodeProgram } from '../fixtures/nodeProgram';
import { parsePrefs } from '../shared/expectations';
import { waitFor } from '../shared/waitFor';
import { liveref } from './liverefCli';

describe('Node engine: exact numbers on a known heap', function () {
  this.timeout(60_000);
  let program: NodeProgram;
  let cdp: CdpConnection;
  let engine: NodeEngine;
  const engineLog: string[] = [];
  let target: string;
  let attached = 0;

  before(async () => {
    program = await startNodeProgram(NODE_EXACT_SCRIPT);
    await program.waitFor(/exact ready/);
    target = `127.0.0.1:${program.port}`;
    attached = Date.now();
    cdp = await connectCdp({ kind: 'inspect', host: '127.0.0.1', port: program.port });
    engine = new NodeEngine(cdp, { trackedClasses: () => ['Item', 'SpecialItem', 'Order', 'Customer', 'Late'], discoverTop: 0, log: (line) => engineLog.push(line) });
  });

  after(async () => {
    engine?.dispose();
    await cdp?.close();
    await program?.stop();
  });

  it('counts instances of the exact class: a subclass and its prototype are not the parent\'s', async () => {
    const rows = new Map((await engine.liveRefs([])).rows.map((r) => [r.className, r]));
    assert.deepEqual([...rows].map(([name, r]) => [name, r.count]).sort(), [['Customer', 200], ['Item', 500], ['Order', 3000], ['SpecialItem', 50]]);
    const page = await engine.iterAll({ className: 'Item', offset: 0, limit: 1000 });
    assert.equal(page.total, 500);
    assert.ok(page.items.every((i) => i.typeName === 'Item'), 'no SpecialItem nor a prototype among the Items');
    await engine.release(page.items.map((i) => i.handle!));
  });

  it('never dates what existed before attach: no age, "before attach", and the oldest dated one is revealed', async () => {
    const before = (await engine.liveRefs([])).rows.find((r) => r.className === 'Order')!;
    assert.equal(before.beforeAttach, 3000);
    assert.equal(before.oldestAgeS, null, 'every Order was made before attach: no oldest age is known');
    const undated = await engine.oldest('Order');
    assert.equal(undated?.createdBeforeAttach, true);
    assert.equal(undated?.ageS, undefined);
    const histogram = await engine.ages({ className: 'Order' });
    assert.deepEqual([histogram.count, histogram.beforeAttach, histogram.buckets.length], [0, 3000, 0]);
    // One Order made now, through the module binding once the rebinding Proxy is in.
    await waitFor('Order counted through its module binding', () => engineLog.includes('Order: constructions are counted through the module binding') || (program.send('order'), false), 15_000, 300);
    const from = program.output().length;
    program.send('order');
    await program.waitFor(/later orders \d+/, 5_000, from);
    const row = (await engine.liveRefs([])).rows.find((r) => r.className === 'Order')!;
    assert.equal(row.beforeAttach, 3000);
    // Dated objects were made after the attach: none is older than the time since then.
    assert.ok(row.count > 3000 && row.oldestAgeS !== null && row.oldestAgeS <= (Date.now() - attached) / 1000, JSON.stringify(row));
    const oldest = await engine.oldest('Order');
    assert.ok(oldest?.ageS !== undefined && !oldest.createdBeforeAttach, `Reveal Oldest picks a dated Order: ${JSON.stringify(oldest)}`);
    assert.match(oldest.repr, /id: -1\b/);
    await engine.release([undated!.handle!, oldest.handle!]);
  });

  it('prefs through the CLI: Item 500 / SpecialItem 50 / Order 3,000, "oldest: before attach"', async () => {
    const result = await liveref(['prefs', '--inspect', target, '--track', 'Item,SpecialItem,Order', '--discover', '0']);
    assert.equal(result.code, 0, result.stderr);
    const rows = parsePrefs(result.stdout);
    assert.equal(rows.get('Item')?.count, 500);
    assert.equal(rows.get('SpecialItem')?.count, 50);
    assert.match(result.stdout, /^SpecialItem\s+50\s+oldest: created before Live References attached$/m);
  });

  it('partitions a class whose objects were all made at start-up: 3,000 Orders in one array are one via row', async () => {
    const result = await liveref(['partition', '--by', 'via', '--class', 'Order', '--track', 'Order', '--inspect', target, '--discover', '0', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const partition = JSON.parse(result.stdout) as { totalCount: number; rows: Array<{ label: string; count: number }> };
    const array = partition.rows.find((r) => r.label === 'orders (Array) [*]');
    assert.equal(array?.count, 3000, result.stdout);
  });

  it('names a Map\'s values as one group, keeps each sample\'s own slot, and counts Items without the subclass prototype', async () => {
    const customers = await engine.partition({ by: 'via', className: 'Customer', limit: 10, samples: 3 });
    assert.deepEqual(customers.rows.map((r) => [r.label, r.count]), [['customers (Map) values', 200]]);
    const items = await engine.partition({ by: 'via', className: 'Item', limit: 10, samples: 3 });
    assert.deepEqual(items.rows.map((r) => [r.label, r.count]), [['items (Array) [*]', 500]]);
    assert.ok(items.rows[0].samples?.length && items.rows[0].samples.every((s) => /^\[\d+\]$/.test(s.via ?? '')), JSON.stringify(items.rows[0].samples));
    await engine.release(items.rows.flatMap((r) => r.samples ?? []).map((s) => s.handle!));
  });

  it('a tracked class that exists only after attach is found when named, its objects all made at once', async () => {
    assert.equal((await engine.liveRefs([])).rows.find((r) => r.className === 'Late'), undefined, 'no class Late yet');
    const from = program.output().length;
    program.send('late');
    await program.waitFor(/late made/, 5_000, from);
    const partition = await engine.partition({ by: 'via', className: 'Late', limit: 10 });
    assert.deepEqual(partition.rows.map((r) => [r.label, r.count]), [['late (Array) [*]', 100]]);
    assert.equal((await engine.liveRefs([])).rows.find((r) => r.className === 'Late')?.count, 100);
  });

  it('--limit 0 returns every row', async () => {
    const all = await engine.partition({ by: 'type', limit: 0 });
    assert.ok(all.rows.length > 100, `${all.rows.length} rows`);
    assert.equal(all.rows.reduce((n, r) => n + r.count, 0), all.totalCount);
    const cli = await liveref(['partition', '--inspect', target, '--discover', '0', '--limit', '0', '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    const rows = (JSON.parse(cli.stdout) as { totalCount: number; rows: Array<{ count: number }> });
    assert.equal(rows.rows.reduce((n, r) => n + r.count, 0), rows.totalCount);
  });
});
