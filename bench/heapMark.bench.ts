// Mark Heap and Heap Since Mark on the ~5 M-object heap of bench/programs_heap.py, over a real
// debugpy socket (round trip included), against the floor every heap walk pays: a pure-Python
// reachability pass timed in-process in the same run (as bench/partition.bench.ts). Peak extra
// memory is the program's peak RSS during the call (VmHWM, reset through /proc/self/clear_refs)
// minus its RSS before it. Prints absolute figures and ratios; asserts nothing.
import { PythonEngine } from '../extension/runtimes/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../extension/runtimes/python/agentBundle';
import { evalJson } from '../test/integration/debuggee';
import { REACHABILITY_FLOOR, type FloorResult, inProgram, timed, startHeapProgram } from './pythonHeapBench';

// Resets the kernel's peak-RSS counter of the program, then reports current RSS (bytes).
const RESET_PEAK = `
def reset():
    with open('/proc/self/clear_refs', 'w') as f:
        f.write('5')
    return status('VmRSS')
def status(key):
    for line in open('/proc/self/status'):
        if line.startswith(key + ':'):
            return int(line.split()[1]) * 1024
result = reset()
`;
const PEAK = `
result = [int(l.split()[1]) * 1024 for l in open('/proc/self/status') if l.startswith('VmHWM:')][0]
`;
// CPU seconds of the program: on a loaded machine (2 cores shared) wall time is noisy.
const CPU = `import time; result = time.process_time()`;

const mb = (n: number) => `${(n / 1048576).toFixed(1)} MB`;

async function main(): Promise<void> {
  const debuggee = await startHeapProgram();
  try {
    const engine = new PythonEngine(debuggee.evaluator, loadAgentBundle(findAgentDir(__dirname)));
    await engine.info();
    const cpu = () => evalJson<number>(debuggee.evaluator, inProgram(CPU));
    const measure = async <T>(work: () => Promise<T>): Promise<[T, number, number, number]> => {
      const before = await evalJson<number>(debuggee.evaluator, inProgram(RESET_PEAK));
      const c0 = await cpu();
      const [value, seconds] = await timed(work);
      const c1 = await cpu();
      const peak = await evalJson<number>(debuggee.evaluator, inProgram(PEAK));
      return [value, seconds, Math.max(0, peak - before), c1 - c0];
    };
    const [mark, tMark, memMark, cMark] = await measure(() => engine.markHeap());
    const [diff, tDiff, memDiff, cDiff] = await measure(() => engine.partition({ by: 'type', sinceMark: true, limit: 20, samples: 5 }));
    const [, tType, , cType] = await measure(() => engine.partition({ by: 'type', limit: 20, samples: 0 }));
    // The floor runs last: its own id set would otherwise be part of the heap we walk.
    const floor = await evalJson<FloorResult>(debuggee.evaluator, inProgram(REACHABILITY_FLOOR));
    console.log(`heap: ${mark.count.toLocaleString()} reachable objects, ${mb(mark.size)} (sum of sys.getsizeof); floor walk saw ${floor.objects.toLocaleString()}`);
    const line = (what: string, wall: number, cpuS: number) => console.log(`${what.padEnd(36)} ${wall.toFixed(2)} s wall = ${(wall / floor.seconds).toFixed(2)}× floor; ${cpuS.toFixed(2)} s CPU = ${(cpuS / floor.cpu).toFixed(2)}× floor`);
    console.log(`floor (pure-Python reachability pass, in-process): ${floor.seconds.toFixed(2)} s wall, ${floor.cpu.toFixed(2)} s CPU`);
    line('by type (round trip, for scale):', tType, cType);
    line('mark (round trip):', tMark, cMark);
    line('diff since mark (round trip):', tDiff, cDiff);
    console.log('goal: diff ≤ 1.5× floor');
    console.log(`mark kept in the program:            ${mb(mark.markBytes)} = ${((100 * mark.markBytes) / mark.size).toFixed(2)} % of the heap`);
    console.log(`peak extra RSS during mark:          ${mb(memMark)} = ${((100 * memMark) / mark.size).toFixed(2)} % of the heap (goal ≤ 10 %)`);
    console.log(`peak extra RSS during diff:          ${mb(memDiff)} = ${((100 * memDiff) / mark.size).toFixed(2)} % of the heap`);
    console.log('diff, top rows:', diff.rows.slice(0, 4).map((r) => `${r.label} ${r.countDelta! >= 0 ? '+' : ''}${r.countDelta}`).join(' | '));
  } finally {
    await debuggee.stop();
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
