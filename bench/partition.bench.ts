// Heap partitions on a ~3 M-object heap, over a real debugpy socket (round trip included),
// against Guppy's heap() + bytype + byvia of the same type in the same process when guppy imports,
// and otherwise against the floor every heap walk pays: a pure-Python reachability pass
// (gc.get_objects() then gc.get_referents in batches, de-duplicated by id) timed in-process.
// Guppy is neither in Debian nor reachable here (no PyPI): scripts/guppy.sh builds guppy3 from a
// source checkout with the bench's Python, and BENCH_GUPPY=<that checkout> puts it on the
// program's sys.path for the comparison. Each side runs twice and its best counts; ours first
// (Guppy leaves garbage cycles behind that a later walk would have to cross). When BENCH_BASELINE_REF names a git ref, the same
// run also loads that ref's agent into the program under another version key and times its by
// type + by via on the same heap: ours / previous. Prints absolute times and ratios; asserts nothing.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PythonEngine } from '../extension/runtimes/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../extension/runtimes/python/agentBundle';
import { evalJson } from '../test/integration/debuggee';
import { REACHABILITY_FLOOR, type FloorResult, inProgram, timed, startHeapProgram } from './pythonHeapBench';

/** Guppy's heap() + bytype + byvia of the row \`type\` in the program, guppy taken from \`where\`.
 *  Guppy's partitions are lazy (\`x.bytype\` returns at once): len() makes each one happen. */
const guppyIn = (where: string, type: string): string => `
import sys, time
result = None
sys.path.insert(0, ${JSON.stringify(where)})
try:
    from guppy import hpy
except ImportError:
    pass
else:
    h = hpy()
    t0 = time.perf_counter(); x = h.heap(); n = x.count; t1 = time.perf_counter()
    bt = x.bytype; rows = len(bt); t2 = time.perf_counter()
    kinds = [str(bt[i].kind) for i in range(rows)]
    row = bt[kinds.index(${JSON.stringify(type)})]
    t3 = time.perf_counter(); bv = row.byvia; vias = len(bv); t4 = time.perf_counter()
    result = {'heap': t1 - t0, 'bytype': t2 - t1, 'byvia': t4 - t3, 'objects': n, 'vias': vias}
    del x, bt, bv, h, row, kinds
finally:
    sys.path.remove(${JSON.stringify(where)})
`;

/** The agent of git ref `ref`, with its VERSION renamed so both agents live in one program. */
function baselineAgentDir(ref: string): string | undefined {
  const repo = path.join(__dirname, '../..');
  try {
    execFileSync('git', ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], { cwd: repo, stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'liveref-baseline-'));
  const tar = execFileSync('git', ['archive', ref, 'agent'], { cwd: repo, maxBuffer: 64 << 20 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  const init = path.join(dir, 'agent', '__init__.py');
  fs.writeFileSync(init, fs.readFileSync(init, 'utf8').replace(/^VERSION = "([^"]+)"/m, 'VERSION = "$1-baseline"'));
  return path.join(dir, 'agent');
}

/** By type, then by via of `type` (the same type for both agents). */
async function typeAndVia(engine: PythonEngine, type: string): Promise<[number, number, string]> {
  const [byType, tType] = await timed(() => engine.partition({ by: 'type', limit: 20, samples: 0 }));
  const [, tVia] = await timed(() => engine.partition({ by: 'via', type, limit: 20, samples: 0 }));
  return [tType, tVia, `${byType.totalCount.toLocaleString()} objects, ${type} by via`];
}

async function compareWithBaseline(debuggee: { evaluator: ConstructorParameters<typeof PythonEngine>[0] }, type: string): Promise<void> {
  const ref = process.env.BENCH_BASELINE_REF;
  if (!ref) return;
  const dir = baselineAgentDir(ref);
  if (!dir) {
    console.log(`previous agent: git ref ${ref} not found; no same-run comparison.`);
    return;
  }
  try {
    const previous = new PythonEngine(debuggee.evaluator, loadAgentBundle(dir));
    const ours = new PythonEngine(debuggee.evaluator, loadAgentBundle(findAgentDir(__dirname)));
    await previous.info();
    // Alternating, twice each: the second round of each is the one compared (warm caches).
    let a: [number, number, string] = [0, 0, ''];
    let b: [number, number, string] = [0, 0, ''];
    for (let round = 0; round < 2; round++) {
      a = await typeAndVia(ours, type);
      b = await typeAndVia(previous, type);
    }
    console.log(`ours (type + via):     ${a[0].toFixed(2)} + ${a[1].toFixed(2)} s (${a[2]})`);
    console.log(`previous ${ref} (type + via): ${b[0].toFixed(2)} + ${b[1].toFixed(2)} s (${b[2]})`);
    console.log(`ours / previous: by type ${(a[0] / b[0]).toFixed(2)}×, by via ${(a[1] / b[1]).toFixed(2)}×, both ${((a[0] + a[1]) / (b[0] + b[1])).toFixed(2)}×`);
  } finally {
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const debuggee = await startHeapProgram();
  try {
    const engine = new PythonEngine(debuggee.evaluator, loadAgentBundle(findAgentDir(__dirname)));
    await engine.info();
    const log = (m: string) => { if (process.env.BENCH_VERBOSE) console.error(`[bench] ${m}`); };
    log('by type');
    const [byType, tType1] = await timed(() => engine.partition({ by: 'type', limit: 20, samples: 0 }));
    const top = byType.rows[0].label;
    log(`by via of ${top}: ${JSON.stringify(byType.rows.slice(0, 4).map((r) => [r.label, r.count, r.size]))}`);
    const [, tVia1] = await timed(() => engine.partition({ by: 'via', type: top, limit: 20, samples: 0 }));
    const [byViaDict, tViaDict] = await timed(() => engine.partition({ by: 'via', type: 'dict', limit: 20, samples: 0 }));
    log('ours again');
    const [, tType2] = await timed(() => engine.partition({ by: 'type', limit: 20, samples: 0 }));
    const [, tVia2] = await timed(() => engine.partition({ by: 'via', type: top, limit: 20, samples: 0 }));
    const guppyDir = process.env.BENCH_GUPPY;
    type GuppyTimes = { heap: number; bytype: number; byvia: number; objects: number; vias: number };
    let guppy: GuppyTimes | null = null;
    for (let round = 0; guppyDir && round < 2; round++) {
      log(`guppy ${round + 1}`);
      const g = await evalJson<GuppyTimes | null>(debuggee.evaluator, inProgram(guppyIn(guppyDir, top)), 600_000);
      guppy = g && guppy ? { ...g, heap: Math.min(g.heap, guppy.heap), bytype: Math.min(g.bytype, guppy.bytype), byvia: Math.min(g.byvia, guppy.byvia) } : g;
    }
    const tType = Math.min(tType1, tType2);
    const tVia = Math.min(tVia1, tVia2);
    // The floor runs last: its own id sets would otherwise be part of the heap we partition.
    log('floor');
    const floor = await evalJson<FloorResult>(debuggee.evaluator, inProgram(REACHABILITY_FLOOR), 600_000);
    console.log(`heap: ${byType.totalCount.toLocaleString()} reachable objects (floor walk saw ${floor.objects.toLocaleString()})`);
    console.log(`floor (pure-Python reachability pass, in-process): ${floor.seconds.toFixed(2)} s`);
    console.log(`ours, by type (round trip, best of 2):      ${tType.toFixed(2)} s   ${(tType / floor.seconds).toFixed(2)}× floor`);
    console.log(`ours, ${top} by via (round trip, best of 2): ${tVia.toFixed(2)} s   ${(tVia / floor.seconds).toFixed(2)}× floor`);
    console.log(`ours, dict by via (round trip):             ${tViaDict.toFixed(2)} s   ${(tViaDict / floor.seconds).toFixed(2)}× floor`);
    console.log('dict by via, top rows:', byViaDict.rows.slice(0, 4).map((r) => `${r.label || '(none)'} ${r.count}`).join(' | '));
    if (guppy) {
      const total = guppy.heap + guppy.bytype + guppy.byvia;
      console.log(`guppy (in-process, ${guppy.objects.toLocaleString()} objects): heap() ${guppy.heap.toFixed(2)} s + bytype ${guppy.bytype.toFixed(2)} s + ${top} byvia ${guppy.byvia.toFixed(2)} s (${guppy.vias} rows) = ${total.toFixed(2)} s`);
      console.log(`ours / guppy: by type ${(tType / (guppy.heap + guppy.bytype)).toFixed(2)}× (vs heap()+bytype), by via ${(tVia / guppy.byvia).toFixed(2)}×, both ${((tType + tVia) / total).toFixed(2)}× (goal ≤ 1.0×)`);
    } else if (guppyDir) {
      console.log(`guppy did not import from ${guppyDir}: build it with scripts/guppy.sh (compared against the floor only).`);
    } else {
      console.log('no guppy: set BENCH_GUPPY to a guppy3 checkout built by scripts/guppy.sh to compare in the same run (floor only here).');
    }
    await compareWithBaseline(debuggee, top);
  } finally {
    await debuggee.stop();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
