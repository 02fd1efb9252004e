// `liveref … --inspect HOST:PORT` (dist/cli.js) against the leaky Node crawler under node --inspect.
import * as assert from 'node:assert/strict';
import { NODE_LEAKY_SCRIPT, NodeProgram, pauseLeaky, startNodeProgram } from '../fixtures/nodeProgram';
import { parsePrefs } from '../shared/expectations';
import { waitFor } from '../shared/waitFor';
import { liveref } from './liverefCli';

describe('liveref CLI on a Node.js program (--inspect)', function () {
  this.timeout(60_000);
  let program: NodeProgram;
  let target: string;

  before(async () => {
    program = await startNodeProgram(NODE_LEAKY_SCRIPT);
    await program.waitFor(/leaky crawler started/);
    target = `127.0.0.1:${program.port}`;
  });

  after(async () => {
    await program?.stop();
  });

  it('prints prefs() for the classes given with --track, found by name although module-scoped', async () => {
    const result = await liveref(['prefs', '--inspect', target, '--track', 'Request,Response', '--discover', '0']);
    assert.equal(result.code, 0, result.stderr);
    const rows = parsePrefs(result.stdout);
    assert.deepEqual([...rows.keys()].sort(), ['Request', 'Response']);
    assert.ok(rows.get('Response')!.count > rows.get('Request')!.count, result.stdout);
  });

  it('discovers the most numerous user classes without --track, and gates a leak with --fail-over', async () => {
    const result = await liveref(['prefs', '--inspect', target, '--json', '--fail-over', 'Response=10']);
    assert.equal(result.code, 1, result.stderr);
    assert.match(result.stderr, /leak gate failed: Response: \d+ live objects > 10/);
    const snapshot = JSON.parse(result.stdout) as { rows: Array<{ className: string; count: number }> };
    assert.ok(snapshot.rows.some((r) => r.className === 'Response' && r.count > 10), result.stdout);
  });

  it('partitions Response by via from a heap snapshot: referer', async () => {
    const result = await liveref(['partition', '--by', 'via', '--class', 'Response', '--inspect', target, '--track', 'Response', '--discover', '0']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Partition of a set of \d+ objects \(class Response\)/);
    assert.match(result.stdout, /^\s+0\s+\d+\s+\d+\s+\d+\s+\d+ referer$/m);
  });

  it('marks the heap in one run and diffs against it in the next: Responses grew since the mark', async () => {
    const mark = await liveref(['mark', '--inspect', target, '--discover', '0']);
    assert.equal(mark.code, 0, mark.stderr);
    // The crawler's own count once the mark is taken, then until it has grown.
    const counted = async () => { const { responses } = await pauseLeaky(program); program.send('resume'); return responses; };
    const atMark = await counted();
    await waitFor('Responses crawled since the mark', async () => await counted() > atMark, 10_000, 100);
    const diff = await liveref(['diff', '--inspect', target, '--discover', '0', '--json']);
    assert.equal(diff.code, 0, diff.stderr);
    const rows = (JSON.parse(diff.stdout) as { rows: Array<{ label: string; countDelta: number; newCount?: number }> }).rows;
    const responses = rows.find((r) => r.label === 'Response');
    assert.ok(responses && responses.countDelta > 0, JSON.stringify(responses));
    // V8 renumbers objects when the marking run's inspector session closes: no "new" counts then.
    assert.equal(responses.newCount, undefined);
  });

  it('shows the oldest Response by url', async () => {
    const result = await liveref(['oldest', 'Response', '--inspect', target, '--track', 'Response', '--discover', '0']);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^Response http:\/\/127\.0\.0\.1\/page\/\d+ {2}\(\d+s old\)/);
  });
});
