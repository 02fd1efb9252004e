// Heap snapshot → partition for Node.js programs at ~80 MB and ~600 MB heaps (BENCH_HEAP_MB,
// comma-separated): our streaming typed-array parser + by-type partition against
// @vscode/v8-heap-parser's decode + class groups, both on the same snapshot file, each in a
// child process of its own so peak RSS is theirs alone. Also the live path: snapshot over CDP
// streamed into the worker, then by type and Response by via. Prints; asserts nothing.
import { StringDecoder } from 'node:string_decoder';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { connectCdp } from '../extension/runtimes/node/cdp/cdpConnection';
import { NodeEngine } from '../extension/runtimes/node/nodeEngine';
import { SnapshotParser } from '../extension/runtimes/node/heap/snapshotParser';
import { HeapGraph } from '../extension/runtimes/node/heap/heapGraph';
import { byType } from '../extension/runtimes/node/heap/heapQueries';
import { startNodeProgram } from '../test/fixtures/nodeProgram';

const CHUNK = 1 << 20; // V8 streams ~100 kB chunks; 1 MB keeps the file reading cheap

interface ChildResult { ms: number; maxRssMB: number; rows?: Array<[string, number]>; error?: string }

/** In a child: parse + partition the file one way and report time and peak RSS. */
function child(kind: 'ours' | 'v8-heap-parser', file: string): void {
  const t0 = performance.now();
  let rows: Array<[string, number]> = [];
  try {
    if (kind === 'ours') {
      const parser = new SnapshotParser();
      const fd = fs.openSync(file, 'r');
      const buffer = Buffer.alloc(CHUNK);
      const decoder = new StringDecoder('utf8');
      for (let n; (n = fs.readSync(fd, buffer, 0, CHUNK, null)) > 0;) parser.push(decoder.write(buffer.subarray(0, n)));
      fs.closeSync(fd);
      const graph = new HeapGraph(parser.finish());
      rows = byType(graph, 10, 0).rows.map((r) => [r.label, r.count]);
    } else {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { decode_bytes } = require('@vscode/v8-heap-parser') as typeof import('@vscode/v8-heap-parser');
      const graph = decode_bytes(fs.readFileSync(file));
      rows = graph.get_class_groups(0, 10, false).map((g) => [g.name(), g.children_len]);
    }
    process.stdout.write(JSON.stringify({ ms: performance.now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024, rows }));
  } catch (error) {
    process.stdout.write(JSON.stringify({ ms: performance.now() - t0, maxRssMB: process.resourceUsage().maxRSS / 1024, error: String((error as Error).message ?? error) }));
  }
}

function runChild(kind: string, file: string): ChildResult {
  try {
    return JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=16384', __filename, '--child', kind, file], { encoding: 'utf8', maxBuffer: 1 << 24, timeout: 20 * 60_000 })) as ChildResult;
  } catch (error) {
    return { ms: NaN, maxRssMB: NaN, error: (error as Error).message.split('\n').slice(0, 3).join(' ') };
  }
}

async function one(mb: number): Promise<void> {
  const program = await startNodeProgram(path.join(__dirname, '../../bench/programs_node_heap.js'), { env: { BENCH_HEAP_MB: String(mb) }, args: ['--max-old-space-size=8192'] });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-bench-'));
  const file = path.join(dir, 'bench.heapsnapshot');
  try {
    const ready = await program.waitFor(/READY (\d+) (\d+)/, 20 * 60_000);
    console.log(`\n-- heap ${ready[1]} MB used, ${Number(ready[2]).toLocaleString()} Request/Response pairs`);
    const cdp = await connectCdp({ kind: 'inspect', host: '127.0.0.1', port: program.port });
    try {
      // The snapshot file both parsers read.
      const out = fs.openSync(file, 'w');
      const off = cdp.on('HeapProfiler.addHeapSnapshotChunk', (p) => fs.writeSync(out, String(p.chunk)));
      let t0 = performance.now();
      await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false }, { timeoutMs: 30 * 60_000 });
      off();
      fs.closeSync(out);
      const snapshotS = (performance.now() - t0) / 1000;
      console.log(`snapshot taken and written: ${snapshotS.toFixed(1)} s, ${(fs.statSync(file).size / 1048576).toFixed(0)} MB file`);
      const ours = runChild('ours', file);
      const theirs = runChild('v8-heap-parser', file);
      const show = (name: string, r: ChildResult) => console.log(`${name.padEnd(40)} ${r.error ? `FAILED (${r.error})` : `${(r.ms / 1000).toFixed(2)} s, peak RSS ${r.maxRssMB.toFixed(0)} MB`}`);
      show('ours: parse + by type', ours);
      show('@vscode/v8-heap-parser: decode + class groups', theirs);
      if (!ours.error && !theirs.error) console.log(`ratio (ours / v8-heap-parser): time ${(ours.ms / theirs.ms).toFixed(2)}×, peak RSS ${(ours.maxRssMB / theirs.maxRssMB).toFixed(2)}×`);
      if (ours.rows) console.log(`ours, top rows: ${ours.rows.slice(0, 5).map(([l, c]) => `${l} ${c}`).join(' | ')}`);
      // The live path the views use: snapshot streamed over CDP into the worker as it is taken.
      const engine = new NodeEngine(cdp, { trackedClasses: () => ['Response'], discoverTop: 0, gcBudgetMs: 0 });
      await engine.liveRefs([]);
      t0 = performance.now();
      const byType = await engine.partition({ by: 'type', limit: 10 });
      const liveS = (performance.now() - t0) / 1000;
      t0 = performance.now();
      const byVia = await engine.partition({ by: 'via', className: 'Response', limit: 5 });
      const viaS = (performance.now() - t0) / 1000;
      console.log(`live: snapshot streamed into the worker + by type: ${liveS.toFixed(1)} s (snapshot alone above: ${snapshotS.toFixed(1)} s); Response by via on it: ${viaS.toFixed(2)} s (${byVia.rows.map((r) => `${r.label} ${r.count}`).join(' | ')}); ${byType.totalCount.toLocaleString()} reachable objects`);
      engine.dispose();
    } finally {
      await cdp.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    await program.stop();
  }
}

async function main(): Promise<void> {
  for (const mb of (process.env.BENCH_HEAP_MB ?? '80,600').split(',').map(Number)) await one(mb);
}

if (process.argv[2] === '--child') child(process.argv[3] as 'ours' | 'v8-heap-parser', process.argv[4]);
else main().catch((error) => { console.error(error); process.exitCode = 1; });
