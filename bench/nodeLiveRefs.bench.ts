// Live References' cost inside a Node.js program: ns per construction of a tracked class (counted
// through the rebinding Proxy) against an identical untracked class in the same program, same
// turns, 200 objects of each per event-loop turn; before attaching (both plain) and after. Also
// the time a refresh takes (counting in the program). Prints; asserts nothing.
import * as path from 'node:path';
import { connectCdp } from '../extension/runtimes/node/cdp/cdpConnection';
import { NodeEngine } from '../extension/runtimes/node/nodeEngine';
import { NodeProgram, startNodeProgram } from '../test/fixtures/nodeProgram';
import { sleep, waitFor } from '../test/shared/waitFor';
const MEASURE_MS = Number(process.env.BENCH_MEASURE_MS ?? 5000);

interface Report { trackedNs: number; plainNs: number; turns: number }

async function measure(program: NodeProgram): Promise<Report> {
  program.send('reset');
  await sleep(MEASURE_MS); // the measured window
  const from = program.output().length;
  program.send('report');
  return JSON.parse((await program.waitFor(/REPORT (\{.*\})/, 30_000, from))[1]) as Report;
}

async function main(): Promise<void> {
  const program = await startNodeProgram(path.join(__dirname, '../../bench/programs_node_construct.js'));
  try {
    await program.waitFor(/READY/);
    await sleep(1000); // a second of warm-up (JIT) before the first window
    const before = await measure(program);
    const cdp = await connectCdp({ kind: 'inspect', host: '127.0.0.1', port: program.port });
    const log: string[] = [];
    const engine = new NodeEngine(cdp, { trackedClasses: () => ['Tracked'], discoverTop: 0, gcBudgetMs: 0, log: (line) => log.push(line) });
    await engine.liveRefs([]);
    // The one-shot breakpoint fires and is removed: constructions count through the Proxy from then on.
    await waitFor('Tracked counted through its module binding', () => log.includes('Tracked: constructions are counted through the module binding'), 30_000);
    const rows = (await engine.liveRefs([])).rows;
    const after = await measure(program);
    const refreshMs: number[] = [];
    for (let k = 0; k < 5; k++) {
      const t0 = performance.now();
      await engine.liveRefs([]);
      refreshMs.push(performance.now() - t0);
    }
    const line = (name: string, r: Report) => `${name.padEnd(26)} Tracked ${r.trackedNs.toFixed(0)} ns, Plain ${r.plainNs.toFixed(0)} ns per construction (${r.turns.toLocaleString()} turns of 200 each)`;
    console.log(line('before attaching:', before));
    console.log(line('counted through the Proxy:', after));
    const overhead = (after.trackedNs - after.plainNs) - (before.trackedNs - before.plainNs);
    console.log(`overhead per tracked construction: ${overhead.toFixed(0)} ns (${(after.trackedNs / after.plainNs).toFixed(2)}× the untracked class in the same turns; goal ≤ 1000 ns)`);
    console.log(`live count seen: ${rows.map((r) => `${r.className} ${r.count}`).join(', ')}; refresh round trip (count in the program + CDP): median ${refreshMs.sort((a, b) => a - b)[2].toFixed(1)} ms`);
    engine.dispose();
    await cdp.close();
  } finally {
    await program.stop();
  }
}

main().catch((error) => { console.error(error); process.exitCode = 1; });
