// Live refresh cost at 10 k, 100 k and 1 M tracked objects: the round trip the view pays
// (engine.liveRefs over a real debugpy socket) and the time spent inside the program, beside
// Scrapy's own format_live_refs() and get_oldest() timed in-process on the same heap.
// Prints ratios against those baselines; asserts nothing.
import * as path from 'node:path';
import { PythonEngine } from '../extension/runtimes/python/pythonEngine';
import { findAgentDir, loadAgentBundle } from '../extension/runtimes/python/agentBundle';
import { evalJson, startDebuggee } from '../test/integration/debuggee';
import { sleep } from '../test/shared/waitFor';

const SIZES = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
const ROUNDS = 30;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median milliseconds of the expression `expr` evaluated `n` times inside the program. */
function inProgram(expr: string, n = 20): string {
  return `(lambda pc, f: sorted([(lambda a: (f(), (pc() - a) * 1000)[1])(pc()) for _ in range(${n})])[${n} // 2])(__import__('time').perf_counter, lambda: ${expr})`;
}

async function main(): Promise<void> {
  const program = path.join(__dirname, '../../bench/programs_tracked.py');
  const bundle = loadAgentBundle(findAgentDir(__dirname));
  console.log('tracked   round trip ms (median, spaced / back to back)   agent in-program ms   format_live_refs ms   get_oldest ms   speed-up vs format_live_refs');
  for (const n of SIZES) {
    const debuggee = await startDebuggee([program, String(n)], { waitForLine: /READY/, startTimeoutMs: 300_000 });
    try {
      const engine = new PythonEngine(debuggee.evaluator, bundle);
      await engine.liveRefs([]);
      // Spaced like the view's auto-refresh; back to back is also shown: there, debugpy's
      // adapter holds every other request for the agent's delayed ACK (Nagle), which we cannot
      // change from outside that process.
      const trips: number[] = [];
      const tight: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        await sleep(100); // spaced like the view's auto-refresh
        const t0 = performance.now();
        await engine.liveRefs([]);
        trips.push(performance.now() - t0);
      }
      for (let i = 0; i < ROUNDS; i++) {
        const t0 = performance.now();
        await engine.liveRefs([]);
        tight.push(performance.now() - t0);
      }
      const key = bundle.moduleKey;
      const agentMs = await evalJson<number>(debuggee.evaluator, inProgram(`__import__('sys').modules['${key}'].call(0, 'liveRefs', 'e30=', 'return')`));
      const formatMs = await evalJson<number>(debuggee.evaluator, inProgram(`__import__('sys').modules['scrapy.utils.trackref'].format_live_refs()`, 5));
      const oldestMs = await evalJson<number>(debuggee.evaluator, inProgram(`__import__('sys').modules['scrapy.utils.trackref'].get_oldest('Request')`, 5));
      console.log(`${String(n).padStart(8)}   ${median(trips).toFixed(2).padStart(22)} / ${median(tight).toFixed(2).padStart(6)}   ${agentMs.toFixed(3).padStart(19)}   ${formatMs.toFixed(2).padStart(19)}   ${oldestMs.toFixed(2).padStart(13)}   ${(formatMs / agentMs).toFixed(0).padStart(10)}×`);
    } finally {
      await debuggee.stop();
    }
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
