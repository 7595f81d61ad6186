// Where the index's and the correlation's typed arrays live. By default each is its own buffer. The CLI passes an
// ArenaMemory over one big buffer instead, so that another thread can fault its pages in ahead of use: on VMs where
// the first touch of a page is expensive (16 µs per 4 KiB page on the bench machine, a third of `dialogs`' time)
// that work then runs on the second core (src/cli/prefaultedArena.ts). Arrays come out zero-filled either way.

export interface ColumnMemory {
  int32(length: number): Int32Array;
  float64(length: number): Float64Array;
  uint8(length: number): Uint8Array;
  int16(length: number): Int16Array;
}

/** Each array its own buffer. */
export const SEPARATE_ARRAYS: ColumnMemory = {
  int32: (n) => new Int32Array(n),
  float64: (n) => new Float64Array(n),
  uint8: (n) => new Uint8Array(n),
  int16: (n) => new Int16Array(n),
};

/**
 * Bump allocation in one zero-filled buffer, never reused (so every array starts zeroed); once the buffer is used up,
 * arrays get their own buffers. `onTake` hears the bytes in use after each allocation.
 */
export class ArenaMemory implements ColumnMemory {
  private used = 0;

  constructor(private readonly buffer: ArrayBufferLike, private readonly onTake?: (usedBytes: number) => void) {}

  get usedBytes(): number {
    return this.used;
  }

  int32(n: number): Int32Array {
    const at = this.take(n * 4);
    return at < 0 ? new Int32Array(n) : new Int32Array(this.buffer, at, n);
  }
  float64(n: number): Float64Array {
    const at = this.take(n * 8);
    return at < 0 ? new Float64Array(n) : new Float64Array(this.buffer, at, n);
  }
  uint8(n: number): Uint8Array {
    const at = this.take(n);
    return at < 0 ? new Uint8Array(n) : new Uint8Array(this.buffer, at, n);
  }
  int16(n: number): Int16Array {
    const at = this.take(n * 2);
    return at < 0 ? new Int16Array(n) : new Int16Array(this.buffer, at, n);
  }

  /** Offset of `bytes` more bytes (8-aligned, for Float64Array), or -1 when they do not fit. */
  private take(bytes: number): number {
    const at = this.used;
    const end = at + Math.ceil(bytes / 8) * 8;
    if (end > this.buffer.byteLength) return -1;
    this.used = end;
    this.onTake?.(end);
    return at;
  }
}
