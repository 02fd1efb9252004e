// The partition table's optional columns (Heap Since Mark): shown only when rows carry them,
// signed when they are a change, sortable like the fixed ones.
import * as assert from 'node:assert/strict';
import { formatCell, optionalColumns, sortRows } from '../../webview/partition/partitionColumns';
import type { PartitionRow } from '../../extension/core/types';

const row = (label: string, extra: Partial<PartitionRow> = {}): PartitionRow => ({ label, count: 1, size: 10, ...extra });

describe('partition table optional columns', () => {
  it('appear only when some row has them, in a fixed order', () => {
    assert.deepEqual(optionalColumns([row('a'), row('b')]), []);
    assert.deepEqual(optionalColumns([row('a', { newCount: 2, countDelta: 1 }), row('b', { sizeDelta: -3 })]).map((c) => c.key),
      ['countDelta', 'sizeDelta', 'newCount']);
  });

  it('changes are signed, plain numbers are not, missing reads as 0', () => {
    assert.equal(formatCell(1234, true), `+${(1234).toLocaleString()}`);
    assert.equal(formatCell(-5, true), '−5');
    assert.equal(formatCell(0, true), '0');
    assert.equal(formatCell(7, false), '7');
    assert.equal(formatCell(undefined, true), '0');
  });

  it('sorts by a change column, rows without it as 0', () => {
    const rows = [row('shrank', { countDelta: -4 }), row('none'), row('grew', { countDelta: 9 })];
    assert.deepEqual(sortRows(rows, 'countDelta', true).map((r) => r.label), ['grew', 'none', 'shrank']);
    assert.deepEqual(sortRows(rows, 'countDelta', false).map((r) => r.label), ['shrank', 'none', 'grew']);
  });
});
