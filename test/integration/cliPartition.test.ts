// `liveref partition` says what its row limit left out — "… N more rows" in text, omittedCount /
// omittedSize in JSON — and `--limit 0` gives every row. Real CLI (dist/cli.js), real debugpy.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { findAgentDir } from '../../extension/runtimes/python/agentBundle';
import type { Partition } from '../../extension/core/types';
import { Debuggee, startDebuggee } from './debuggee';
import { liveref } from './liverefCli';

const REPO = path.resolve(findAgentDir(__dirname), '..');
const PROGRAM = path.join(REPO, 'test/integration/programs/held_objects.py');

type Json = Partition & { omittedRows: number | null; omittedCount: number; omittedSize: number };


describe('liveref partition: rows left out by --limit', function () {
  this.timeout(60_000);
  let debuggee: Debuggee;
  let target: string;

  before(async () => {
    debuggee = await startDebuggee([PROGRAM, '40', '60'], { waitForLine: /READY/ });
    await debuggee.client.close();
    target = `127.0.0.1:${debuggee.port}`;
  });
  after(async () => { await debuggee?.stop(); });

  it('JSON carries omittedRows, omittedCount and omittedSize that add up to the totals', async () => {
    const run = await liveref(['partition', '--by', 'type', '--limit', '5', '--json', '--debugpy', target]);
    assert.equal(run.code, 0, run.stderr);
    const p = JSON.parse(run.stdout) as Json;
    assert.equal(p.rows.length, 5);
    assert.ok(p.rowCount! > 5 && p.omittedRows === p.rowCount! - 5, `${p.rowCount} rows, ${p.omittedRows} omitted`);
    assert.equal(p.omittedCount + p.rows.reduce((s, r) => s + r.count, 0), p.totalCount);
    assert.equal(p.omittedSize + p.rows.reduce((s, r) => s + r.size, 0), p.totalSize);
    assert.ok(p.omittedCount > 0 && p.omittedSize > 0);
  });

  it('text ends with "… N more rows", and --limit 0 prints every row and no such line', async () => {
    const some = await liveref(['partition', '--by', 'via', '--type', 'dict', '--limit', '2', '--debugpy', target]);
    assert.equal(some.code, 0, some.stderr);
    const all = JSON.parse((await liveref(['partition', '--by', 'via', '--type', 'dict', '--limit', '0', '--json', '--debugpy', target])).stdout) as Json;
    assert.ok(all.rowCount! > 2);
    assert.equal(all.rows.length, all.rowCount);
    assert.deepEqual([all.omittedRows, all.omittedCount, all.omittedSize], [0, 0, 0]);
    // Two runs see slightly different heaps (the program and the agent allocate), so the text is
    // checked for its form and its rows; the exact sums are checked on JSON above.
    const lines = some.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 2 + 2 + 1);
    assert.match(lines[4], /^… [\d,]+ more rows: [\d,]+ objects, [\d,]+ bytes \(--limit 0 shows all\)$/);
    const text = await liveref(['partition', '--by', 'via', '--type', 'dict', '--limit', '0', '--debugpy', target]);
    assert.doesNotMatch(text.stdout, /more rows/);
    const rows = text.stdout.trimEnd().split('\n').slice(2);
    assert.ok(rows.length > 2 && rows.every((r) => /^ +\d+ +\d+ +\d+ +\d+ +\d+ /.test(r)), rows.slice(-3).join('\n'));
  });

  it('--help documents --limit for partitions; a bad --limit is a usage error', async () => {
    const help = await liveref(['--help']);
    assert.match(help.stdout, /--limit N +rows of partition \(default 50\)/);
    const bad = await liveref(['partition', '--limit=-3', '--debugpy', target]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--limit expects a whole number/);
  });
});
