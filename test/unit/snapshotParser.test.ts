// The streaming heap snapshot parser against a real V8 snapshot (of this test process), fed in
// chunks of awkward sizes: it must agree with JSON.parse of the whole file, and the graph built
// on it must account for every reachable byte.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { SnapshotParser } from '../../extension/runtimes/node/heap/snapshotParser';
import { HeapGraph } from '../../extension/runtimes/node/heap/heapGraph';
import { byType as partitionByType, byVia as partitionByVia, memberTest, retainedBy } from '../../extension/runtimes/node/heap/heapQueries';
import { why as retainerChain } from '../../extension/runtimes/node/heap/retainerChain';

class LeakyHolder {
  constructor(readonly referer: object) {}
}

describe('heap snapshot parser', function () {
  this.timeout(60_000);
  let text: string;
  const keep: LeakyHolder[] = [];

  before(() => {
    // Strings with escapes, quotes and non-ASCII must survive chunk boundaries.
    for (let i = 0; i < 300; i++) keep.push(new LeakyHolder({ note: `line "${i}"\n\\ tab\t 漢字 ${'x'.repeat(i % 7)}` }));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-')), 'unit.heapsnapshot');
    v8.writeHeapSnapshot(file);
    text = fs.readFileSync(file, 'utf8');
    fs.rmSync(path.dirname(file), { recursive: true });
  });

  for (const chunkSize of [1, 7, 4096, 65_536]) {
    it(`agrees with JSON.parse when fed in chunks of ${chunkSize} characters`, () => {
      const expected = JSON.parse(text) as { nodes: number[]; edges: number[]; strings: string[]; locations: number[] };
      const parser = new SnapshotParser();
      // Feeding 1-character chunks through the whole file is slow; do that for the first 2 MB.
      const limit = chunkSize === 1 ? Math.min(text.length, 2_000_000) : text.length;
      for (let at = 0; at < limit; at += chunkSize) parser.push(text.slice(at, Math.min(limit, at + chunkSize)));
      if (limit < text.length) parser.push(text.slice(limit));
      const parsed = parser.finish();
      assert.equal(parsed.nodes.length, expected.nodes.length);
      assert.deepEqual(Array.from(parsed.nodes), expected.nodes);
      assert.deepEqual(Array.from(parsed.edges), expected.edges);
      assert.deepEqual(Array.from(parsed.locations), expected.locations);
      assert.deepEqual(parsed.strings, expected.strings);
    });
  }

  it('partitions by type and by via with shallow and retained sizes that add up', () => {
    const parser = new SnapshotParser();
    parser.push(text);
    const graph = new HeapGraph(parser.finish());
    const byType = partitionByType(graph, 100_000, 1);
    assert.equal(byType.rows.reduce((n, r) => n + r.size, 0), byType.totalSize);
    assert.equal(byType.rows.reduce((n, r) => n + r.count, 0), byType.totalCount);
    const holders = byType.rows.find((r) => r.label === 'LeakyHolder');
    assert.equal(holders?.count, keep.length);
    // Releasing the holders frees them and the objects only they refer to: the Object they hold.
    const freed = retainedBy(graph, memberTest(graph, { className: 'LeakyHolder' }), 3);
    assert.equal(freed.setCount, keep.length);
    assert.equal(freed.byType.find((r) => r.label === 'LeakyHolder')?.count, keep.length);
    assert.ok((freed.byType.find((r) => r.label === 'Object')?.count ?? 0) >= keep.length, JSON.stringify(freed.byType.slice(0, 5)));
    const byVia = partitionByVia(graph, 'Object', 100_000, 2);
    const referer = byVia.rows.find((r) => r.label === 'referer');
    assert.equal(referer?.count, keep.length, JSON.stringify(byVia.rows.slice(0, 5)));
    const why = retainerChain(graph, referer!.sampleIds[0]);
    assert.ok(why.found);
    assert.equal(why.hops[0].via, 'referer');
    assert.equal(why.hops[0].className, 'LeakyHolder');
  });
});
