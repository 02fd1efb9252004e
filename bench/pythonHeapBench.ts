// What the Python heap benches share. The floor every heap walk pays: a pure-Python reachability
// pass (gc.get_objects() then gc.get_referents in batches of 5,000, de-duplicated by id), run
// in the program. It runs in a function and skips its own containers, or it would count its own
// id set. Evaluate it as a statement; it leaves `result`.
import * as path from 'node:path';
import { Debuggee, startDebuggee } from '../test/integration/debuggee';

export interface FloorResult {
  objects: number;
  /** Wall-clock seconds. */
  seconds: number;
  /** CPU seconds of the program's process (other load on the machine does not move it). */
  cpu: number;
}

export const REACHABILITY_FLOOR = `
import gc, time
def walk():
    t0, c0 = time.perf_counter(), time.process_time()
    objs = gc.get_objects()
    seen = set(map(id, objs))
    seen.update((id(objs), id(seen)))
    frontier = objs
    while frontier:
        nxt = []
        seen.add(id(nxt))
        for i in range(0, len(frontier), 5000):
            part = frontier[i:i + 5000]
            seen.add(id(part))
            for o in gc.get_referents(*part):
                if id(o) not in seen:
                    seen.add(id(o))
                    nxt.append(o)
        frontier = nxt
    return {'objects': len(seen), 'seconds': time.perf_counter() - t0, 'cpu': time.process_time() - c0}
result = walk()
`;

/** An expression that runs `code` (statements leaving `result`) in a fresh namespace in the program. */
export const inProgram = (code: string): string => `(lambda ns: (exec(${JSON.stringify(code)}, ns), ns['result'])[1])({})`;

/** The value of `work` and the seconds it took, round trip included. */
export async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const value = await work();
  return [value, (performance.now() - t0) / 1000];
}

/** bench/programs_heap.py under a real `debugpy --listen`: BENCH_REQUESTS Requests, BENCH_BULK other objects. */
export function startHeapProgram(): Promise<Debuggee> {
  const program = path.join(__dirname, '../../bench/programs_heap.py');
  return startDebuggee([program, process.env.BENCH_REQUESTS ?? '100000', process.env.BENCH_BULK ?? '1000000'], { waitForLine: /READY/, startTimeoutMs: 300_000 });
}
