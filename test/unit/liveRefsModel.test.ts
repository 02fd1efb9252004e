import * as assert from 'node:assert/strict';
import { formatDelta, visibleRows } from '../../extension/ui/views/liveRefsModel';
import type { ShownRow } from '../../extension/ui/views/liveRefsModel';

const rows: ShownRow[] = [
  { className: 'Request', count: 3878, oldestAgeS: 250, delta: 12 },
  { className: 'HtmlResponse', count: 3890, oldestAgeS: 265, delta: 40 },
  { className: 'LeakySpider', count: 1, oldestAgeS: 300, delta: 0 },
  { className: 'Selector', count: 2, oldestAgeS: 0, delta: -3 },
];

describe('visibleRows', () => {
  it('sorts by count, age, growth and name', () => {
    assert.deepEqual(visibleRows(rows, { sort: 'count', filter: '' }).map((r) => r.className), ['HtmlResponse', 'Request', 'Selector', 'LeakySpider']);
    assert.deepEqual(visibleRows(rows, { sort: 'age', filter: '' }).map((r) => r.className), ['LeakySpider', 'HtmlResponse', 'Request', 'Selector']);
    assert.deepEqual(visibleRows(rows, { sort: 'growth', filter: '' }).map((r) => r.className), ['HtmlResponse', 'Request', 'LeakySpider', 'Selector']);
    assert.deepEqual(visibleRows(rows, { sort: 'name', filter: '' }).map((r) => r.className), ['HtmlResponse', 'LeakySpider', 'Request', 'Selector']);
  });

  it('filters class names case-insensitively without mutating the input', () => {
    const copy = [...rows];
    assert.deepEqual(visibleRows(rows, { sort: 'count', filter: ' resp ' }).map((r) => r.className), ['HtmlResponse']);
    assert.deepEqual(rows, copy);
  });
});

describe('formatDelta', () => {
  it('signs growth and shrinkage, hides no change', () => {
    assert.equal(formatDelta(5), '+5');
    assert.equal(formatDelta(-2), '−2');
    assert.equal(formatDelta(0), '');
  });
});
