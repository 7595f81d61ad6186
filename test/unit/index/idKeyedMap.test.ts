// IdKeyedMap against a Map over its whole key range (negative keys too, as the correlation's origins by From tag),
// in its own array and in an arena, overwrites and misses included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IdKeyedMap } from '../../../src/core/index/idKeyedMap';
import { ArenaMemory } from '../../../src/core/index/columnMemory';

test('IdKeyedMap answers as a Map does over its key range, in its own array and in an arena', () => {
  for (const memory of [undefined, new ArenaMemory(new ArrayBuffer(1 << 20))]) {
    const lowest = -5001, highest = 5000;
    const map = new IdKeyedMap(lowest, highest, memory);
    const expected = new Map<number, number>();
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
    const keys = [lowest, highest, -1, 0, 1];
    for (let i = 0; i < 20000; i++) keys.push(lowest + (next() % (highest - lowest + 1)));
    for (const [i, k] of keys.entries()) {
      // Values are row numbers: 0 and large ones alike.
      const v = i % 7 === 0 ? 0 : i * 1000;
      map.set(k, v);
      expected.set(k, v);
    }
    for (let k = lowest; k <= highest; k++) assert.equal(map.get(k), expected.get(k) ?? -1, `key ${k}`);
  }
});

test('IdKeyedMap refuses an empty key range', () => {
  assert.throws(() => new IdKeyedMap(1, 0), /empty key range 1\.\.0/);
});
