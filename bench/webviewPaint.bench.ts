// The heap partition webview's first paint for 10 k rows (goal ≤ 100 ms), in the real workbench,
// printed beside 100 rows measured in the same run.
import * as fs from 'node:fs';
import * as path from 'node:path';

async function main(): Promise<void> {
  const repo = path.join(__dirname, '../..');
  const out = path.join(repo, 'test-output/bench-paint.json');
  fs.rmSync(out, { force: true });
  process.env.LIVEREF_BENCH_OUT = out;
  const harness = await import(path.join(repo, 'test/workbench/harness.mjs'));
  const { results } = await harness.runWorkbench({ suites: [path.join(repo, 'out/bench/inhost/firstPaint.test.js')], ui: 'none' });
  if (!fs.existsSync(out)) throw new Error(`no figures: ${JSON.stringify(results)}`);
  const figures = JSON.parse(fs.readFileSync(out, 'utf8')) as Record<string, number[]>;
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const small = median(figures['100']);
  const large = median(figures['10000']);
  console.log(`first paint, 100 rows:    ${small.toFixed(1)} ms (median of ${figures['100'].length})`);
  console.log(`first paint, 10 000 rows: ${large.toFixed(1)} ms (median of ${figures['10000'].length})  = ${(large / small).toFixed(2)}× the 100-row paint; goal ≤ 100 ms`);
}

main().catch((e) => { console.error(e); process.exitCode = 1; });
