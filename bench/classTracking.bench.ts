// Tracking a class by name in any Python program (agent/class_tracking.py): constructing a class
// with the hook against the same class without it, in the same process and run
// (bench/programs_class_tracking.py: alternated rounds, best of each, CPU time), on every Python
// of the matrix that is installed. Three classes, since the ratio depends on what a construction
// costs by itself: Order (its __init__ sets 5 attributes, the case the goal is judged on), a
// 5-field dataclass, and a trivial class (the hook's whole cost). Then all objects are dropped at
// once: each tracked death also removes its record. Goal: tracked <= 1.10x plain. Prints;
// asserts nothing.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PYTHON } from '../test/fixtures/fixtureSite';

const OBJECTS = Number(process.env.BENCH_OBJECTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const PYTHONS = [...new Set([PYTHON, '/work/main/.cache/pyroots/trixie.python', '/work/main/.cache/pyroots/forky.python'])].filter((p) => fs.existsSync(p));

interface Variants { plain: number; tracked: number; depth1: number }
interface Result { n: number; python: string; depth: number; restored: boolean; classes: Record<string, { usPerObject: Variants; dropUsPerObject: Variants }> }

const LABELS: Record<string, string> = {
  Order: 'Order(...), __init__ sets 5 attributes',
  Line: 'Line(...), a 5-field @dataclass',
  Tick: 'Tick(), a trivial class (no __init__)',
};

function run(python: string): Result {
  const out = spawnSync(python, [path.join(__dirname, '../../bench/programs_class_tracking.py'), String(OBJECTS), String(ROUNDS)], { encoding: 'utf8', timeout: 900_000 });
  if (out.status !== 0) throw new Error(out.stderr);
  return JSON.parse(out.stdout) as Result;
}

function line(label: string, us: number, plain: number): string {
  const ratio = label === 'untracked' ? '' : `   ${(us / plain).toFixed(2)}× untracked, +${(us - plain).toFixed(2)} µs`;
  return `    ${label.padEnd(18)} ${us.toFixed(2).padStart(6)} µs/object${ratio}`;
}

for (const python of PYTHONS) {
  const r = run(python);
  console.log(`\nPython ${r.python}: ${r.n.toLocaleString('en-US')} objects made 3 frames deep and kept, then dropped at once; CPU time, best of ${ROUNDS} alternated rounds (goal ≤ 1.10×):`);
  for (const [name, c] of Object.entries(r.classes)) {
    const us = c.usPerObject;
    const drop = c.dropUsPerObject;
    console.log(`  ${LABELS[name] ?? name}:`);
    console.log(line('untracked', us.plain, us.plain));
    console.log(line(`tracked, depth ${r.depth}`, us.tracked, us.plain));
    console.log(line('tracked, depth 1', us.depth1, us.plain));
    console.log(`    drop all: untracked ${drop.plain.toFixed(2)}, tracked ${drop.tracked.toFixed(2)} µs/object`);
  }
  console.log(`  hook removed exactly (no __new__ left, constructs as before): ${r.restored}`);
}
