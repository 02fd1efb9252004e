// Via partition with container grouping (issue 19 item 7) on a heap whose members are the elements
// of big containers: 300,000 objects in one Array and 300,000 as a Map's values
// (BENCH_VIA_N to change). Baseline, on the same parsed snapshot: the labels before grouping (the
// raw edge names, one row per index). Prints the ratios and the rows; asserts nothing.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SnapshotParser } from '../extension/runtimes/node/heap/snapshotParser';
import { HeapGraph, isDebuggerEdge } from '../extension/runtimes/node/heap/heapGraph';
import { byType, byVia, memberTest, retainedBy } from '../extension/runtimes/node/heap/heapQueries';

const N = Number(process.env.BENCH_VIA_N ?? 300_000);
const PROGRAM = `
class Held { constructor(i) { this.i = i; } }
class Valued { constructor(i) { this.i = i; } }
globalThis.held = Array.from({ length: ${N} }, (_, i) => new Held(i));
globalThis.valued = new Map(Array.from({ length: ${N} }, (_, i) => [i, new Valued(i)]));
require('node:v8').writeHeapSnapshot(process.argv[1]);
`;

function timed<T>(work: () => T): [T, number] {
  const t0 = performance.now();
  const result = work();
  return [result, performance.now() - t0];
}

/** The via partition as it was before grouping: each object by its raw edge names. */
function ungrouped(g: HeapGraph, className: string): number {
  const c = g.classNames.indexOf(className);
  const rows = new Map<string, number>();
  const rs = g.retainerStart!, re = g.retainerEdge!, rf = g.retainerFrom!;
  for (let n = 0; n < g.nodeCount; n++) {
    if (g.classOf[n] !== c || !g.reachable(n)) continue;
    const labels = new Set<string>();
    for (let r = rs[n]; r < rs[n + 1]; r++) {
      const label = g.edgeLabel(re[r]);
      if (g.reachable(rf[r]) && !isDebuggerEdge(label)) labels.add(label);
    }
    const label = [...labels].sort().slice(0, 4).join(', ');
    rows.set(label, (rows.get(label) ?? 0) + 1);
  }
  return rows.size;
}

function main(): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-via-bench-'));
  const file = path.join(dir, 'via.heapsnapshot');
  try {
    execFileSync(process.execPath, ['-e', PROGRAM, file], { stdio: 'inherit', timeout: 10 * 60_000 });
    const parser = new SnapshotParser();
    parser.push(fs.readFileSync(file, 'utf8'));
    const graph = new HeapGraph(parser.finish());
    graph.distances();
    graph.buildRetainers();
    const types = byType(graph, 10, 0);
    console.log(`${N.toLocaleString()} objects per container; ${types.totalCount.toLocaleString()} reachable objects`);
    for (const className of ['Held', 'Valued']) {
      const [rawRows, rawMs] = timed(() => ungrouped(graph, className));
      const [via, viaMs] = timed(() => byVia(graph, className, 10, 3, true));
      console.log(`${className} before grouping: ${rawMs.toFixed(0)} ms, ${rawRows.toLocaleString()} rows (baseline)`);
      const [retained, retainedMs] = timed(() => retainedBy(graph, memberTest(graph, { className, instances: true, via: via.rows[0]?.label })));
      console.log(`${className} by via: ${viaMs.toFixed(0)} ms (${(viaMs / rawMs).toFixed(2)}× the baseline): ${via.rows.map((r) => `${r.label} ${r.count}`).join(' | ')}; retained of its first row ${retainedMs.toFixed(0)} ms, ${retained.size.toLocaleString()} bytes`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main();
