// The growth chart's clock and line widths (issue 21): 24-hour labels, and each line narrower
// than the one drawn under it so classes with the same counts stay visible.
import * as assert from 'node:assert/strict';
import { clock, lineWidth } from '../../webview/time/trendScale';

describe('growth chart', () => {
  it('labels time on a 24-hour clock, with seconds for short spans', () => {
    const evening = new Date(2026, 11, 2, 18, 36, 5);
    assert.equal(clock(5 * 60_000)(evening), '18:36:05');
    assert.equal(clock(60 * 60_000)(evening), '18:36');
    assert.equal(clock(60 * 60_000)(new Date(2026, 11, 2, 0, 5)), '00:05');
  });

  it('draws each later line narrower than the ones under it', () => {
    const widths = [0, 1, 2, 3].map((i) => lineWidth(i, 4));
    assert.ok(widths.every((w, i) => i === 0 || w < widths[i - 1]), widths.join(', '));
    assert.ok(widths[3] >= 2, 'the top line is still a visible line');
  });
});
