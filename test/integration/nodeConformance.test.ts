// The Node engine's numbers against independent truths, on a real `node --inspect` program
// (test/fixtures/node-exact/exact.js):
// - memlab (@memlab/core, its own parser and dominator tree) on the very snapshot file the engine
//   analysed (its chunks are saved as they stream): counts and self sizes by type, and retained
//   sizes;
// - the garbage collector: release the set in the program and measure what became unreachable.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { connectCdp, CdpConnection } from '../../extension/runtimes/node/cdp/cdpConnection';
import { NodeEngine } from '../../extension/runtimes/node/nodeEngine';
import type { Partition } from '../../extension/core/types';
import { NODE_EXACT_SCRIPT, NodeProgram, startNodeProgram } from '../fixtures/nodeProgram';

interface MemlabNode { id: number; type: string; name: string; self_size: number; retainedSize: number }
interface MemlabHeap { nodes: { forEach(f: (n: MemlabNode) => void): void }; getNodeById(id: number): MemlabNode | null }
interface Memlab {
  config: { muteConsole: boolean };
  utils: { getSnapshotFromFile(file: string, options: object): Promise<MemlabHeap> };
  TraceFinder: new () => { calculateAllNodesRetainedSizes(heap: MemlabHeap): void };
}

// Loaded at run time from node_modules, not bundled into the test (it is a devDependency).
const memlab = createRequire(__filename)(['@memlab', 'core'].join('/')) as Memlab;

/** DevTools' (and our) grouping of a node: objects by constructor name, other kinds by kind.
 *  memlab prefixes "Detached " to the name of native nodes the snapshot flags as detached. */
function typeLabel(node: MemlabNode): string {
  switch (node.type) {
    case 'object': case 'synthetic': return node.name;
    case 'native': return node.name.replace(/^Detached /, '');
    case 'closure': return '(closure)';
    case 'hidden': return '(system)';
    case 'code': return '(compiled code)';
    case 'regexp': return 'RegExp';
    default: return `(${node.type})`;
  }
}

describe('Node engine conformance: memlab and the GC on the same heap', function () {
  this.timeout(120_000);
  let program: NodeProgram;
  let cdp: CdpConnection;
  let engine: NodeEngine;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-conformance-'));

  before(async () => {
    program = await startNodeProgram(NODE_EXACT_SCRIPT);
    await program.waitFor(/exact ready/);
    cdp = await connectCdp({ kind: 'inspect', host: '127.0.0.1', port: program.port });
    engine = new NodeEngine(cdp, { trackedClasses: () => ['Order'], discoverTop: 0 });
    memlab.config.muteConsole = true;
    // The page hook and its seeded WeakRefs go in before the first snapshot, so that the two
    // snapshots of the GC comparison differ only by what the program did.
    await engine.liveRefs([]);
  });

  after(async () => {
    engine?.dispose();
    await cdp?.close();
    await program?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Runs `work` while saving the snapshot it takes to a file. */
  async function recording<T>(file: string, work: () => Promise<T>): Promise<T> {
    const out = fs.openSync(file, 'w');
    const off = cdp.on('HeapProfiler.addHeapSnapshotChunk', (p) => fs.writeSync(out, String(p.chunk)));
    try {
      return await work();
    } finally {
      off();
      fs.closeSync(out);
    }
  }

  let first: Partition;
  let heap: MemlabHeap;

  it('by type: every count and self size equals memlab\'s on the same snapshot file', async () => {
    const file = path.join(dir, 'first.heapsnapshot');
    first = await recording(file, () => engine.partition({ by: 'type', limit: 0 }));
    heap = await memlab.utils.getSnapshotFromFile(file, {});
    const theirs = new Map<string, { count: number; size: number }>();
    heap.nodes.forEach((node) => {
      const row = theirs.get(typeLabel(node)) ?? { count: 0, size: 0 };
      row.count++; row.size += node.self_size;
      theirs.set(typeLabel(node), row);
    });
    // memlab counts every node of the file; we count what the program holds (not the debugger's
    // own handles, nor garbage V8 left in the snapshot): those rows may hold fewer, never more.
    const missing = first.rows.filter((r) => !theirs.has(r.label)).map((r) => r.label);
    assert.deepEqual(missing, [], 'rows memlab does not have');
    const differ = first.rows.filter((r) => theirs.get(r.label)?.count !== r.count || theirs.get(r.label)?.size !== r.size);
    const detail = differ.map((r) => `${r.label}: ours ${r.count}/${r.size}, memlab ${theirs.get(r.label)?.count}/${theirs.get(r.label)?.size}`).join('\n');
    // (the arrays queryObjects returned, the inspector's own strings): a handful, never more.
    for (const r of differ) assert.ok(r.count <= theirs.get(r.label)!.count && r.count >= theirs.get(r.label)!.count - 5 && r.size <= theirs.get(r.label)!.size, detail);
    assert.ok(differ.length <= 0.03 * first.rows.length, `${differ.length} of ${first.rows.length} rows differ:\n${detail}`);
    for (const label of ['Order', 'Item', 'SpecialItem', 'Customer', 'Map', '(closure)']) {
      assert.deepEqual([first.rows.find((r) => r.label === label)?.count, first.rows.find((r) => r.label === label)?.size], [theirs.get(label)?.count, theirs.get(label)?.size], label);
    }
    console.log(`      ${first.rows.length - differ.length} of ${first.rows.length} rows identical to memlab's${detail ? `; differing:\n${detail}` : ''}`);
  });

  let arrayRetained: { count: number; size: number };

  it('retained size of a set equals memlab\'s dominator tree: one array, and a class', async () => {
    new memlab.TraceFinder().calculateAllNodesRetainedSizes(heap);
    // The same snapshot serves both (it is reused for a minute).
    const orders = await engine.retained({ className: 'Order' });
    let memlabOrders = 0;
    heap.nodes.forEach((node) => { if (node.type === 'object' && node.name === 'Order') memlabOrders += node.retainedSize; });
    // A set also frees what its members share (which no single member dominates): never less.
    console.log(`      class Order: retained ${orders.size} bytes; memlab's sum over the Orders ${memlabOrders}`);
    assert.ok(orders.size >= memlabOrders && orders.size <= memlabOrders * 1.01, `${orders.size} vs ${memlabOrders}`);
    assert.equal(orders.setCount, 3000);
    const array = await cdp.send<{ result: { objectId: string } }>('Runtime.evaluate', { expression: 'globalThis.exactHeap.orders', objectGroup: 'conformance' });
    const heapId = Number((await cdp.send<{ heapSnapshotObjectId: string }>('HeapProfiler.getHeapObjectId', { objectId: array.result.objectId })).heapSnapshotObjectId);
    const ours = await engine.retained({ handle: array.result.objectId });
    await cdp.send('Runtime.releaseObjectGroup', { objectGroup: 'conformance' });
    // The largest freed objects come with handles: let them go, or the debugger keeps them alive.
    await engine.release([...orders.largest, ...ours.largest].map((o) => o.handle!));
    const node = heap.getNodeById(heapId);
    assert.ok(node, 'the array is in the snapshot');
    assert.equal(ours.size, node.retainedSize, 'a single object: what it dominates');
    assert.ok(ours.count > 6000 && ours.size > 1_000_000, JSON.stringify(ours.byType));
    arrayRetained = { count: ours.count, size: ours.size };
  });

  it('retained size of the array equals what the GC frees when the program lets it go', async () => {
    const from = program.output().length;
    program.send('release orders');
    await program.waitFor(/orders released/, 5_000, from);
    const file = path.join(dir, 'second.heapsnapshot');
    const second = await recording(file, () => engine.partition({ by: 'type', limit: 0 }));
    assert.equal(second.rows.find((r) => r.label === 'Order'), undefined, 'every Order died');
    // What died: the objects of the first snapshot whose id V8 no longer has (ids hold within an
    // inspector session), read by memlab; what the program made in between does not count.
    const alive = new Set<number>();
    (await memlab.utils.getSnapshotFromFile(file, {})).nodes.forEach((n) => { alive.add(n.id); });
    const died = { count: 0, size: 0 };
    const byLabel = new Map<string, number[]>();
    // Embedder (native) and synthetic nodes get new, hashed ids in each snapshot: not comparable.
    heap.nodes.forEach((n) => {
      if (alive.has(n.id) || n.type === 'native' || n.type === 'synthetic') return;
      died.count++; died.size += n.self_size;
      const r = byLabel.get(typeLabel(n)) ?? [0, 0];
      r[0]++; r[1] += n.self_size;
      byLabel.set(typeLabel(n), r);
    });
    const what = [...byLabel].map(([label, [count, size]]) => `${label} ${count}/${size}`).join(', ');
    console.log(`      retained ${arrayRetained.count} objects / ${arrayRetained.size} bytes; the GC freed ${died.count} / ${died.size}: ${what}`);
    assert.equal(byLabel.get('Order')?.[0], 3000);
    // The program also let go of a few objects of its own meanwhile (the line it read, code V8
    // flushed): the GC frees at least what we said, and not 0.5 % more.
    assert.ok(died.size >= arrayRetained.size && died.size - arrayRetained.size <= 0.005 * arrayRetained.size, `GC ${died.size} vs retained ${arrayRetained.size}`);
    assert.ok(died.count >= arrayRetained.count && died.count - arrayRetained.count <= 0.01 * arrayRetained.count, `GC ${died.count} vs retained ${arrayRetained.count}`);
  });
});
