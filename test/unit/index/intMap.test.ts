// IntMap against a Map: every int32 key but -2**31 (stored XOR it, so 0 and negative keys are ordinary), growth,
// overwrites and misses.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IntMap } from '../../../src/core/index/intMap';
import { ArenaMemory } from '../../../src/core/index/columnMemory';

test('IntMap answers as a Map does, across growth, in its own arrays and in an arena', () => {
  for (const memory of [undefined, new ArenaMemory(new ArrayBuffer(1 << 20))]) {
    const map = new IntMap(4, memory);
    const expected = new Map<number, number>();
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) | 0);
    const keys = [0, -1, 1, 2147483647, -2147483647, 1024, -1024];
    for (let i = 0; i < 20000; i++) keys.push(i % 3 === 0 ? next() % 5000 : next());
    for (const [i, k] of keys.entries()) {
      if (k === -2147483648) continue;
      map.set(k, i);
      expected.set(k, i);
    }
    for (const [k, v] of expected) assert.equal(map.get(k), v, `key ${k}`);
    for (const k of [3, -3, 999999, -999999]) if (!expected.has(k)) assert.equal(map.get(k, -7), -7);
  }
});
