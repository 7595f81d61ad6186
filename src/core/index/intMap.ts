// int32 → int32 hash map over typed arrays (open addressing, linear probing): the correlation's indexes by
// branch, origin and Call-ID hold one entry per transaction or dialog, hundreds of thousands of them, and a Map
// would keep an object per entry for the garbage collector to trace.

import { SEPARATE_ARRAYS, type ColumnMemory } from './columnMemory';

/** Keys are stored XOR this, so that the one key not allowed (-2**31) is 0 and a fresh, zero-filled table is empty. */
const EMPTY = -2147483648;

export class IntMap {
  private keys: Int32Array;
  private values: Int32Array;
  private count = 0;

  constructor(expected = 1024, private readonly memory: ColumnMemory = SEPARATE_ARRAYS) {
    let n = 1024;
    while (n < expected * 2) n *= 2;
    this.keys = memory.int32(n);
    this.values = memory.int32(n);
  }

  /** Value of key, or `missing`. Keys must not be -2**31. */
  get(key: number, missing = -1): number {
    const mask = this.keys.length - 1;
    const stored = key ^ EMPTY;
    // The probe step runs on every call (first to the home slot), so V8 has its type feedback before the first
    // collision (byteStringTable.ts says why).
    for (let s = (Math.imul(key, 0x9e3779b1) >>> 0 & mask) - 1; ;) {
      s = (s + 1) & mask;
      const k = this.keys[s];
      if (k === stored) return this.values[s];
      if (k === 0) return missing;
    }
  }

  set(key: number, value: number): void {
    const mask = this.keys.length - 1;
    const stored = key ^ EMPTY;
    for (let s = (Math.imul(key, 0x9e3779b1) >>> 0 & mask) - 1; ;) {
      s = (s + 1) & mask;
      const k = this.keys[s];
      if (k === stored || k === 0) {
        // One store for a new key and a new value: a store only an update reaches has no type feedback when the
        // first update comes after V8 optimised this (the transactions' first CANCEL), and deoptimised it.
        this.values[s] = value;
        if (k === 0) {
          this.keys[s] = stored;
          if (++this.count * 2 > this.keys.length) this.grow();
        }
        return;
      }
    }
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = this.memory.int32(keys.length * 2);
    this.values = this.memory.int32(keys.length * 2);
    this.count = 0;
    for (let s = 0; s < keys.length; s++) if (keys[s] !== 0) this.set(keys[s] ^ EMPTY, values[s]);
  }
}
