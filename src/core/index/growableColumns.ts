// Number columns that grow together, one row at a time, over a ColumnMemory (the CLI's prefaulted arena, or arrays
// of their own): the correlation's tables and the leg linker's, sized for the expected count up front so they seldom
// grow. One capacity check a row, not one a column: the CLI runs with TurboFan's inlining off (src/cli/launch.ts),
// where a push per column was a call per column (~4 million on the bench capture, ~38 ms).

import type { ColumnMemory } from './columnMemory';

export interface IntColumn {
  data: Int32Array;
}
export interface FloatColumn {
  data: Float64Array;
}

export class ColumnRows {
  length = 0;
  private capacity: number;
  private readonly ints: IntColumn[] = [];
  private readonly floats: FloatColumn[] = [];

  constructor(capacity: number, private readonly memory: ColumnMemory) {
    this.capacity = Math.max(16, Math.ceil(capacity));
  }

  /** A column of this table; read `.data` after add(), which may replace it. */
  int(): IntColumn {
    const column = { data: this.memory.int32(this.capacity) };
    this.ints.push(column);
    return column;
  }
  float(): FloatColumn {
    const column = { data: this.memory.float64(this.capacity) };
    this.floats.push(column);
    return column;
  }

  /** The index of a new row (its cells zero until written). */
  add(): number {
    if (this.length === this.capacity) this.grow();
    return this.length++;
  }

  private grow(): void {
    this.capacity *= 2;
    for (const c of this.ints) {
      const d = this.memory.int32(this.capacity);
      d.set(c.data);
      c.data = d;
    }
    for (const c of this.floats) {
      const d = this.memory.float64(this.capacity);
      d.set(c.data);
      c.data = d;
    }
  }
}
