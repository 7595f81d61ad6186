// int → int map for keys in a range known in advance (string-table ids, a few hundred thousand): one array slot
// per possible key, so a lookup is one read — no hash, no probe. The correlation's indexes by branch, origin and
// Call-ID are all keyed by ids of the capture's string table, whose size is known when correlation starts.

import { SEPARATE_ARRAYS, type ColumnMemory } from './columnMemory';

export class IdKeyedMap {
  /** Value + 1 per key (0 = absent), so a fresh zero-filled array is empty. */
  private readonly slots: Int32Array;

  /** Keys from `lowest` to `highest`, both included. */
  constructor(private readonly lowest: number, highest: number, memory: ColumnMemory = SEPARATE_ARRAYS) {
    if (!(highest >= lowest)) throw new RangeError(`IdKeyedMap: empty key range ${lowest}..${highest}`);
    this.slots = memory.int32(highest - lowest + 1);
  }

  /** Value of key, or -1. */
  get(key: number): number {
    return this.slots[key - this.lowest] - 1;
  }

  /** Values must be ≥ 0 (the correlation stores row numbers). */
  set(key: number, value: number): void {
    this.slots[key - this.lowest] = value + 1;
  }
}
