// ColumnRows: every column of a table keeps its rows as the table grows past its capacity (the correlation sizes its
// tables for the usual case; a capture of unanswered requests outgrows the transactions' table), in an arena too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ColumnRows } from '../../../src/core/index/growableColumns';
import { ArenaMemory, SEPARATE_ARRAYS } from '../../../src/core/index/columnMemory';

test('ColumnRows grows every int and float column together and keeps their rows', () => {
  for (const memory of [SEPARATE_ARRAYS, new ArenaMemory(new ArrayBuffer(1 << 20))]) {
    const rows = new ColumnRows(3, memory);
    const a = rows.int(), b = rows.int(), t = rows.float();
    const count = 1000;
    for (let k = 0; k < count; k++) {
      const r = rows.add();
      assert.equal(r, k);
      // A new row's cells are zero until written, whichever column grew last.
      assert.equal(a.data[r], 0);
      assert.equal(t.data[r], 0);
      a.data[r] = k;
      b.data[r] = -k - 1;
      t.data[r] = k + 0.5;
    }
    assert.equal(rows.length, count);
    assert.ok(a.data.length >= count && b.data.length === a.data.length && t.data.length === a.data.length);
    for (let k = 0; k < count; k++) assert.deepEqual([a.data[k], b.data[k], t.data[k]], [k, -k - 1, k + 0.5]);
  }
});
