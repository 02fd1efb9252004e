// Runs every benchmark in out/bench/ (built by scripts/build.mjs) one after another.
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const only = process.argv[2];
for (const file of readdirSync('out/bench').filter((f) => f.endsWith('.bench.js') && (!only || f.includes(only)))) {
  console.log(`\n== ${file}`);
  spawnSync(process.execPath, [`out/bench/${file}`], { stdio: 'inherit' });
}
