// Tracking a class by name in any Python program (agent/class_tracking.py): constructing the
// class with the hook against the same class without it, in the same process and run
// (bench/programs_class_tracking.py: alternated rounds, best of each, CPU time), on every Python
// of the matrix that is installed. Goal: tracked <= 1.10x plain. Prints; asserts nothing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PYTHON } from '../test/fixtures/fixtureSite';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PYTHONS = [...new Set([PYTHON, '/work/main/.cache/pyroots/trixie.python', '/work/main/.cache/pyroots/forky.python'])].filter((p) => fs.existsSync(p));

interface Result { n: number; python: string; depth: number; usPerObject: { plain: number; tracked: number; depth1: number }; restored: boolean }

function run(python: string): Result {
  const out = spawnSync(python, [path.join(__dirname, '../../bench/programs_class_tracking.py'), String(OBJECTS), String(ROUNDS)], { encoding: 'utf8', timeout: 900_000 });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as Result;
}

for (const python of PYTHONS) {
  const r = run(python);
  const us = r.usPerObject;
  console.log(`\nPython ${r.python}: Order(...) construction, ${r.n.toLocaleString('en-US')} objects kept, CPU time, best of ${ROUNDS} alternated rounds:`);
  console.log(`  untracked           ${us.plain.toFixed(2).padStart(6)} µs/object`);
  console.log(`  tracked, depth ${String(r.depth).padEnd(4)} ${us.tracked.toFixed(2).padStart(6)} µs/object   ${(us.tracked / us.plain).toFixed(2)}× untracked (goal ≤ 1.10×)`);
  console.log(`  tracked, depth 1    ${us.depth1.toFixed(2).padStart(6)} µs/object   ${(us.depth1 / us.plain).toFixed(2)}× untracked`);
  console.log(`  hook removed exactly (no __new__ left, constructs as before): ${r.restored}`);
}
