// Number columns that grow by doubling, over a ColumnMemory (the CLI's prefaulted arena, or arrays of their own):
// the correlation's tables and the leg linker's, sized for the expected count up front so they seldom grow.

import type { ColumnMemory } from './columnMemory';

export class IntColumn {
  data: Int32Array;
  length = 0;
  constructor(capacity: number, private readonly memory: ColumnMemory) {
    this.data = memory.int32(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const d = this.memory.int32(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length] = v;
    return this.length++;
  }
}

export class FloatColumn {
  data: Float64Array;
  length = 0;
  constructor(capacity: number, private readonly memory: ColumnMemory) {
    this.data = memory.float64(Math.max(16, capacity));
  }
  push(v: number): number {
    if (this.length === this.data.length) {
      const d = this.memory.float64(this.data.length * 2);
      d.set(this.data);
      this.data = d;
    }
    this.data[this.length] = v;
    return this.length++;
  }
}
