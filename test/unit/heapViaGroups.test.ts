// Map slots: which of an OrderedHashMap's slots are keys and which are values (heapGraph.mapSlot).
import * as assert from 'node:assert/strict';
import { mapSlot } from '../../extension/runtimes/node/heap/heapGraph';

describe('Node heap: Map slots as keys or values', () => {
  // 128 buckets, 256 entries: 3 + 7 × 128 slots after a 2-slot header.
  const bytes8 = (2 + 3 + 7 * 128) * 8;
  it('tells keys from values by their place among the entries (8-byte slots)', () => {
    assert.equal(mapSlot(3 + 128, bytes8), 'keys');
    assert.equal(mapSlot(3 + 128 + 1, bytes8), 'values');
    assert.equal(mapSlot(3 + 128 + 3 * 5 + 1, bytes8), 'values');
  });
  it('with pointer compression (4-byte slots)', () => {
    assert.equal(mapSlot(3 + 2 + 1, (2 + 3 + 7 * 2) * 4), 'values');
  });
  it('says entries when the size does not fit the layout', () => {
    assert.equal(mapSlot(50, 1000), 'entries');
    assert.equal(mapSlot(5, bytes8), 'entries', 'a bucket slot is neither');
  });
});
