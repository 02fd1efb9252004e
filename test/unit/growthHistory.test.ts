import * as assert from 'node:assert/strict';
import { csvField, GrowthHistory } from '../../extension/ui/views/growthHistory';
import type { LiveRefsSnapshot } from '../../extension/core/types';

const snap = (t: number, counts: Record<string, number>, rssBytes: number | null = 1000 + t): LiveRefsSnapshot => ({
  trackref: true, takenAt: t, rssBytes,
  rows: Object.entries(counts).map(([className, count]) => ({ className, count, oldestAgeS: 1 })),
});

describe('GrowthHistory', () => {
  it('counts the refreshes in a row in which a class rose, up to the latest', () => {
    const h = new GrowthHistory();
    [3, 5, 4, 6, 7, 9].forEach((n, i) => h.record(snap(i, { Request: n, Spider: 1 })));
    assert.equal(h.risingStreak('Request'), 3);
    assert.equal(h.risingStreak('Spider'), 0);
    h.record(snap(6, { Request: 9, Spider: 1 }));
    assert.equal(h.risingStreak('Request'), 0, 'a flat refresh ends the streak');
    assert.equal(h.risingStreak('Gone'), 0);
  });

  it('derives the change since the previous refresh from the recorded refreshes only', () => {
    const h = new GrowthHistory();
    h.record(snap(0, { Request: 10 }));
    assert.equal(h.delta('Request'), 0, 'one refresh: no change known');
    h.record(snap(1, { Request: 18, Late: 4 }));
    assert.equal(h.delta('Request'), 8);
    assert.equal(h.delta('Late'), 0, 'not in the previous refresh: nothing known of its growth');
    h.record(snap(2, { Request: 15, Late: 4 }));
    assert.equal(h.delta('Request'), -3);
    // Another liveRefs call (prefs, Leak Suspects) is not recorded, so it cannot move the delta.
    assert.equal(h.delta('Request'), -3);
  });

  it('a class missing from a refresh breaks its streak', () => {
    const h = new GrowthHistory();
    h.record(snap(0, { A: 1 }));
    h.record(snap(1, {}));
    h.record(snap(2, { A: 2 }));
    assert.equal(h.risingStreak('A'), 0);
    assert.deepEqual(h.recent('A', 3), [1, null, 2]);
  });

  it('draws a sparkline of the last counts scaled to their range', () => {
    const h = new GrowthHistory();
    [10, 20, 30, 40].forEach((n, i) => h.record(snap(i, { A: n })));
    assert.equal(h.sparkline('A', 4), '▁▃▆█');
    assert.equal(h.sparkline('A', 1), '');
    [5, 5].forEach((n, i) => h.record(snap(10 + i, { B: n })));
    assert.equal(h.sparkline('B'), '▁▁');
  });

  it('keeps a bounded number of points, newest last', () => {
    const h = new GrowthHistory(10);
    for (let i = 0; i < 25; i++) h.record(snap(i, { A: i }));
    assert.ok(h.length <= 10 && h.length >= 5);
    assert.deepEqual(h.recent('A', 1), [24]);
  });

  it('series lines up every class with the refresh times, null where absent', () => {
    const h = new GrowthHistory();
    h.record(snap(0, { A: 1 }, null));
    h.record(snap(1, { A: 2, B: 7 }, 4096));
    assert.deepEqual(h.series(), {
      times: [0, 1], rssBytes: [null, 4096],
      classes: [{ className: 'A', counts: [1, 2] }, { className: 'B', counts: [null, 7] }],
    });
  });

  it('exports CSV: a header, one line per refresh, quoted and formula-safe', () => {
    const h = new GrowthHistory();
    h.record(snap(Date.UTC(2026, 0, 1), { 'a,b': 1, '=cmd': 2 }, 8192));
    h.record(snap(Date.UTC(2026, 0, 1, 0, 0, 2), { 'a,b': 3 }, null));
    assert.equal(h.toCsv(), "time,rssBytes,'=cmd,\"a,b\"\r\n2026-01-01T00:00:00.000Z,8192,2,1\r\n2026-01-01T00:00:02.000Z,,,3\r\n");
    assert.equal(csvField('-5'), '-5');
    assert.equal(csvField('say "hi"'), '"say ""hi"""');
    assert.equal(csvField('x\ny'), '"x\ny"');
  });
});
